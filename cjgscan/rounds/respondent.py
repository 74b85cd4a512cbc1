"""The respondent's questionnaire: no account, a link with a token, one key per page, saved on every change.

Opening a link shows a page with a start button (respondent_links.py); the start exchanges the token for a signed,
HttpOnly cookie valid on the whole site, so that the same link (or its QR code) finds the response again, and the
browser is sent to a URL without the token. The response is found by a keyed hash of that token, or of its resume
code on another device; nothing that identifies the respondent is stored with the answers.
"""

import contextlib
import datetime
import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cjgscan.lib import codes
from cjgscan.lib.faults import pause_in_submit
from cjgscan.lib.joined import JoinedSelect
from cjgscan.rounds import ratelimit
from cjgscan.rounds.answers import Questionnaire, save_answers
from cjgscan.rounds.models import (
    IMPORTANCE_CHOICES,
    Answer,
    Response,
    Round,
    ThemeAnswer,
)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
COOKIE_SALT = "cjgscan.respondent"
MAX_POST_FIELDS = 200


def respondent_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Nothing is cached. The URLs that hold a token send no referrer at all; the questionnaire's own pages
    (no token in their URL) keep the site's same-origin policy, because under no-referrer browsers send
    "Origin: null" with forms, which the CSRF check must refuse."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if "token" in kwargs:
            # setdefault: the landing page sets "strict-origin" itself, because its start button must be posted
            # with a real Origin header.
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return never_cache(wrapper)


def cookie_name(round_uuid: uuid.UUID) -> str:
    return f"cjg_{round_uuid.hex[:16]}"


def questionnaire_path(round_: Round) -> str:
    return reverse("respondent_resume", args=[round_.uuid])


# A cookie that holds a resume code instead of a token starts with this ("." is not in a token's alphabet).
CODE_COOKIE_PREFIX = "c."


def set_token_cookie(response: HttpResponse, round_: Round, token: str) -> None:
    """`token` is the link's token, or CODE_COOKIE_PREFIX + a resume code on a device that typed it."""
    expires = datetime.datetime.combine(round_.closes_on + datetime.timedelta(days=2), datetime.time())
    response.set_signed_cookie(
        cookie_name(round_.uuid),
        token,
        salt=COOKIE_SALT,
        max_age=int((timezone.make_aware(expires) - timezone.now()).total_seconds()),
        # The whole site, not only the questionnaire's path: opening the group link /g/… again (or scanning its
        # QR code) must find the response this browser started.
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def read_token_cookie(request: HttpRequest, round_uuid: uuid.UUID) -> str | None:
    try:
        return request.get_signed_cookie(cookie_name(round_uuid), salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return None


def responses_for_cookie(value: str) -> "QuerySet[Response]":
    """The response (zero or one, the hashes are unique) that a cookie's token or resume code opens."""
    if value.startswith(CODE_COOKIE_PREFIX):
        code_hash = Response.hash_resume_code(value.removeprefix(CODE_COOKIE_PREFIX))
        return Response.objects.filter(resume_code_hash=code_hash)
    return Response.objects.filter(token_hash=Response.hash_token(value))


def resume_code_for_cookie(value: str) -> str:
    """The resume code to show (formatted): derived from the token, or the code itself."""
    if value.startswith(CODE_COOKIE_PREFIX):
        return codes.formatted(value.removeprefix(CODE_COOKIE_PREFIX))
    return codes.formatted(Response.resume_code(value))


def message(request: HttpRequest, title: str, text: str, status: int = 200) -> HttpResponse:
    return render(request, "rounds/respondent_message.html", {"title": title, "text": text}, status=status)


def closed_message(request: HttpRequest, round_: Round) -> HttpResponse:
    if round_.status == Round.Status.OPEN and timezone.localdate() < round_.opens_on:
        return message(
            request,
            _("Not open yet"),
            _("This questionnaire opens on %(date)s. Use your link again from that day.")
            % {"date": round_.opens_on.strftime("%d-%m-%Y")},
        )
    return message(
        request,
        _("This questionnaire is closed"),
        _("Answers can no longer be given or changed. Thank you for your interest."),
        status=410,
    )


def invalid_link(request: HttpRequest) -> HttpResponse:
    ratelimit.record_failure(request)
    return message(
        request,
        _("This link does not work"),
        _("Check that you used the whole link from the invitation, or ask the sender for a new one."),
        status=404,
    )


def too_many_attempts(request: HttpRequest) -> HttpResponse:
    reply = message(
        request,
        _("Too many attempts"),
        _("Too many links that do not work were tried from this address. Wait a quarter of an hour and try again."),
        status=429,
    )
    reply.headers["Retry-After"] = "900"
    return reply


def go_to_questionnaire(round_: Round, token: str) -> HttpResponse:
    response = HttpResponseRedirect(questionnaire_path(round_))
    set_token_cookie(response, round_, token)
    return response


# The statement respondent_for runs, by (resume code?, lock?): made once per process (lib/joined.py).
RESPONSE_WITH_ROUND = {
    (by_code, lock): JoinedSelect(
        Response, "round", where=["resume_code_hash" if by_code else "token_hash"], related_where=["uuid"], lock=lock
    )
    for by_code in (False, True)
    for lock in (False, True)
}


def respondent_for(
    request: HttpRequest, round_uuid: uuid.UUID, *, lock: bool = False
) -> tuple[Round, Response | None, str | None]:
    """The round, the response that this browser's cookie opens in it, and the cookie's value: one query.

    The cookie's name comes from the round's uuid in the URL, so it is read before the database is asked, and the
    response is fetched with its round in one join (not the version: its 40 kB instrument document would cost every
    autosave more than the rest of its work; what the round asks comes from a per-process cache,
    answers.Questionnaire). Only without a response is the round looked up on its own.

    With `lock` (inside a transaction) the response's row is locked, so that a parallel submit waits for this
    request or this request sees the submit. FOR NO KEY UPDATE: the weakest lock that a submit's UPDATE waits for;
    unlike FOR UPDATE it does not block the foreign-key checks of answers inserted for it. SQLite has no row locks:
    there the transaction itself is the lock (BEGIN IMMEDIATE takes the database's write lock, see settings)."""
    token = read_token_cookie(request, round_uuid)
    if token is not None:
        by_code = token.startswith(CODE_COOKIE_PREFIX)
        key = (
            Response.hash_resume_code(token.removeprefix(CODE_COOKIE_PREFIX)) if by_code else Response.hash_token(token)
        )
        response = RESPONSE_WITH_ROUND[by_code, lock].get(key, round_uuid)
        if response is not None:
            assert isinstance(response, Response)
            return response.round, response, token
    return get_object_or_404(Round, uuid=round_uuid), None, token


def no_response(request: HttpRequest) -> HttpResponse:
    return message(
        request,
        _("Open your link again"),
        _("We could not find your answers in this browser. Open the link from your invitation again."),
        status=404,
    )


@respondent_view
@require_GET
def resume(request: HttpRequest, round_uuid: uuid.UUID) -> HttpResponse:
    round_, response, _token = respondent_for(request, round_uuid)
    if response is None:
        return no_response(request)
    if response.is_submitted:
        return redirect("respondent_done", round_.uuid)
    return redirect("respondent_page", round_.uuid, response.last_page)


def page_context(questionnaire: Questionnaire, response: Response, page: int) -> dict[str, Any]:
    answers = dict(Answer.objects.filter(response=response).values_list("item__code", "option__code"))
    theme_answers = {ta.theme_id: ta for ta in ThemeAnswer.objects.filter(response=response)}
    context: dict[str, Any] = {
        "round": questionnaire.round,
        "response": response,
        "page": page,
        "page_count": questionnaire.page_count,
        "review_page": questionnaire.page_count + 1,
        "answered": answers,
        "options": questionnaire.options,
        "importance_choices": IMPORTANCE_CHOICES,
    }
    if 1 <= page <= questionnaire.page_count:
        theme = questionnaire.themes[page - 1]
        theme_answer = theme_answers.get(theme.pk)
        context.update(
            theme=theme,
            items=[(item, answers.get(item.code, "")) for item in theme.items.all()],
            comment=theme_answer.comment if theme_answer else "",
            importance=theme_answer.importance if theme_answer else None,
        )
    elif page == 0:
        context["professions"] = questionnaire.profession_list
    else:
        # Per key: answered, total, and the unanswered characteristics, which the review page links to one by one.
        summary = []
        for theme in questionnaire.themes:
            items = theme.items.all()
            missing = [item for item in items if item.code not in answers]
            summary.append((theme, len(items) - len(missing), len(items), missing))
        context["summary"] = summary
        context["unanswered"] = sum(len(missing) for *_counts, missing in summary)
    return context


def target_page(request: HttpRequest, page: int, last: int) -> int:
    nav = request.POST.get("nav", "next")
    if nav == "prev":
        return max(page - 1, 0)
    if nav.startswith("page-") and nav[5:].isdigit():
        return min(int(nav[5:]), last)
    return min(page + 1, last)


@respondent_view
def page(request: HttpRequest, round_uuid: uuid.UUID, page: int) -> HttpResponse:
    posted = request.method == "POST"
    # A posted page is saved under the response's lock, read in the same query as the response (respondent_for).
    with transaction.atomic() if posted else contextlib.nullcontext():
        round_, response, token = respondent_for(request, round_uuid, lock=posted)
        if response is None:
            return no_response(request)
        if response.is_submitted:
            return redirect("respondent_done", round_.uuid)
        if not round_.is_accepting():
            return closed_message(request, round_)
        questionnaire = Questionnaire(round_)
        review = questionnaire.page_count + 1
        if page > review:
            raise Http404
        if posted:
            if len(request.POST) > MAX_POST_FIELDS:
                return bad_request(request, [_("The form has too many fields.")])
            themes = [questionnaire.themes[page - 1]] if 1 <= page <= questionnaire.page_count else []
            data = form_data(request)
            parsed = questionnaire.parse(data, themes)
            if page != 0 and "profession" in data:
                parsed.errors.append(_("The profession is asked on the first page."))
            if parsed.errors:
                return bad_request(request, parsed.errors)
            next_page = target_page(request, page, review)
            save_answers(response, parsed, page=next_page)
            return redirect("respondent_page", round_.uuid, next_page)
    if page != response.last_page:
        Response.objects.filter(pk=response.pk).update(last_page=page)
    template = (
        "rounds/respondent_page.html"
        if 1 <= page < review
        else ("rounds/respondent_intro.html" if page == 0 else "rounds/respondent_review.html")
    )
    context = page_context(questionnaire, response, page)
    if response.resume_code_hash and token:
        context["resume_code"] = resume_code_for_cookie(token)
        context["resume_url"] = request.build_absolute_uri(reverse("respondent_resume_code"))
    return render(request, template, context)


def form_data(request: HttpRequest) -> dict[str, str]:
    """The answer fields of a posted page (the last value of each)."""
    return {k: request.POST.get(k, "") for k in request.POST if k not in ("csrfmiddlewaretoken", "nav", "page")}


def bad_request(request: HttpRequest, errors: list[str]) -> HttpResponse:
    return render(request, "rounds/respondent_error.html", {"errors": errors}, status=400)


def save_status(error: str = "", status: int = 200) -> HttpResponse:
    """The autosave's reply, a short text for the page's live region (autosave.js). Built here, not by a template:
    it is the most frequent reply of the application."""
    if error:
        return HttpResponse(
            format_html('<span class="site-save-error">{}</span>', _("Not saved: %(error)s") % {"error": error}),
            status=status,
        )
    return HttpResponse(format_html('<span class="site-save-ok">{}</span>', _("Saved")))


@respondent_view
@require_POST
def autosave(request: HttpRequest, round_uuid: uuid.UUID) -> HttpResponse:
    """htmx: save what changed on the page. One query finds and locks the response with its round; then one
    INSERT … ON CONFLICT per kind of answer (answers.store_answers)."""
    with transaction.atomic():
        round_, response, _token = respondent_for(request, round_uuid, lock=True)
        if response is None:
            return save_status(_("Open your link again."), status=404)
        if not round_.is_accepting():
            return save_status(_("The questionnaire is closed."), status=410)
        if len(request.POST) > MAX_POST_FIELDS:
            return save_status(_("The form has too many fields."), status=400)
        questionnaire = Questionnaire(round_)
        page_number = request.POST.get("page", "")
        themes = None
        if page_number.isdigit() and 1 <= int(page_number) <= questionnaire.page_count:
            themes = [questionnaire.themes[int(page_number) - 1]]
        parsed = questionnaire.parse(form_data(request), themes)
        if parsed.errors:
            return save_status(" ".join(parsed.errors), status=400)
        if response.is_submitted:
            return save_status(_("Your answers were already sent."), status=409)
        save_answers(response, parsed)
    return save_status()


def mark_submitted(responses: "QuerySet[Response]", today: datetime.date) -> bool:
    """Submit the response among `responses` if it is still in progress: one UPDATE, which takes the row's lock
    itself (a parallel autosave holds it until it commits) and, when a parallel submit got there first, finds the
    status changed and updates nothing."""
    with transaction.atomic():
        sent = responses.filter(status=Response.Status.IN_PROGRESS).update(
            status=Response.Status.SUBMITTED, submitted_on=today
        )
        if sent:
            pause_in_submit()  # fault tests only (an environment variable), see tests/test_faults.py
    return bool(sent)


@respondent_view
@require_POST
def submit(request: HttpRequest, round_uuid: uuid.UUID) -> HttpResponse:
    """Send the answers: once. A second click, the back button or a replay lands on the same thank-you.

    The common case is one statement: the response of this cookie, in this round while it accepts answers. Only
    when that updates nothing is it worked out why (not found, sent before, closed)."""
    token = read_token_cookie(request, round_uuid)
    if token is None:
        return no_response(request)
    today = timezone.localdate()
    accepting = Round.objects.filter(
        uuid=round_uuid, status=Round.Status.OPEN, opens_on__lte=today, closes_on__gte=today
    ).values("pk")
    if mark_submitted(responses_for_cookie(token).filter(round__in=accepting), today):
        return redirect("respondent_done", round_uuid)
    round_, response, token = respondent_for(request, round_uuid)
    if response is None:
        return no_response(request)
    if not response.is_submitted:
        if not round_.is_accepting(today):
            return closed_message(request, round_)
        mark_submitted(Response.objects.filter(pk=response.pk), today)  # the round opened in between
    return redirect("respondent_done", round_.uuid)


def do_submit(response_id: uuid.UUID) -> None:
    """Mark the response as sent, once; a second call changes nothing. (Also used by `cjgscan demo`.)"""
    mark_submitted(Response.objects.filter(pk=response_id), timezone.localdate())


@respondent_view
@require_GET
def done(request: HttpRequest, round_uuid: uuid.UUID) -> HttpResponse:
    round_, response, _token = respondent_for(request, round_uuid)
    if response is None:
        return no_response(request)
    if not response.is_submitted:
        return redirect("respondent_page", round_.uuid, response.last_page)
    return render(request, "rounds/respondent_done.html", {"round": round_})
