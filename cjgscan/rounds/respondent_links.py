"""How a respondent gets in: a link opens a page, a button starts.

Opening a link (GET) changes nothing in the database, because e-mail scanners and chat previews open links too:
it shows who asks, why, how long it takes and what happens with the answers, with a start button. The start (POST,
CSRF-protected) creates or continues the response and hands the browser its cookie (respondent.py).

Three ways in: a personal link /r/<token>/, a group link /g/<token>/ or its short code /g/K7M4-Q2XP-ABCD/ (typed
from a sheet, any case, with or without dashes), and a resume code typed on another device at /verder/.
"""

import math

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cjgscan.instruments.models import Item
from cjgscan.lib import codes
from cjgscan.lib.tokens import check_signed_id_token, new_token, read_signed_id_token
from cjgscan.rounds import ratelimit
from cjgscan.rounds.models import Invitation, RespondentGroup, Response, Round
from cjgscan.rounds.respondent import (
    CODE_COOKIE_PREFIX,
    TOKEN_PATTERN,
    closed_message,
    go_to_questionnaire,
    invalid_link,
    message,
    read_token_cookie,
    respondent_view,
    responses_for_cookie,
    too_many_attempts,
)

# What the estimate on the landing page assumes: reading and rating one characteristic, and a comment per key.
SECONDS_PER_ITEM = 20
SECONDS_PER_KEY = 30


def estimated_minutes(items: int, keys: int) -> int:
    """About how long the questionnaire takes, rounded to 5 minutes (never less than 5)."""
    minutes = (items * SECONDS_PER_ITEM + keys * SECONDS_PER_KEY) / 60
    return max(5, 5 * math.floor(minutes / 5 + 0.5))


def landing(
    request: HttpRequest, round_: Round, *, group: RespondentGroup | None, personal: bool, started: bool
) -> HttpResponse:
    """The page a link opens: read-only, whatever opens it."""
    version = round_.version
    keys = version.themes.count()
    items = Item.objects.filter(theme__version=version).count()
    context = {
        "round": round_,
        "organisation": round_.organisation,
        "group": group,
        "personal": personal,
        "started": started,
        "keys": keys,
        "items": items,
        "minutes": estimated_minutes(items, keys),
    }
    reply = render(request, "rounds/respondent_landing.html", context)
    # Not "no-referrer" (the token URLs' default): under it browsers post the start button with "Origin: null",
    # which the CSRF check refuses. strict-origin still sends no path, so the token never leaves in a Referer.
    reply.headers["Referrer-Policy"] = "strict-origin"
    return reply


def do_start_response(round_: Round, group: RespondentGroup, token: str, channel: str) -> None:
    """The response this token opens, created on the first start with the hash of its resume code."""
    defaults = {
        "round": round_,
        "group": group,
        "channel": channel,
        "resume_code_hash": Response.hash_resume_code(Response.resume_code(token)),
    }
    try:
        with transaction.atomic():
            Response.objects.get_or_create(token_hash=Response.hash_token(token), defaults=defaults)
    except IntegrityError:
        pass  # a parallel first start created it; both continue with the same response


def flooding(request: HttpRequest) -> HttpResponse:
    reply = message(
        request,
        _("Too many new questionnaires"),
        _(
            "Very many questionnaires were started from this address in the last minutes. Wait a quarter of an hour "
            "and try again, or ask the organiser for a personal link."
        ),
        status=429,
    )
    reply.headers["Retry-After"] = "900"
    return reply


@respondent_view
@require_http_methods(["GET", "POST"])
def start_personal(request: HttpRequest, token: str) -> HttpResponse:
    if ratelimit.is_blocked(request):
        return too_many_attempts(request)
    if not TOKEN_PATTERN.match(token):
        return invalid_link(request)
    invitation = (
        Invitation.objects.select_related("round__organisation", "round__version", "group")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None:
        return invalid_link(request)
    round_ = invitation.round
    existing = Response.objects.filter(token_hash=Response.hash_token(token)).first()
    if existing is not None and existing.is_submitted:
        return go_to_questionnaire(round_, token)  # the thank-you page, no edits; nothing is written
    if not round_.is_accepting():
        return closed_message(request, round_)
    if request.method == "GET":
        return landing(request, round_, group=invitation.group, personal=True, started=existing is not None)
    # Nothing is written to the invitation: whether it was used is never stored next to the response.
    do_start_response(round_, invitation.group, token, Response.Channel.PERSONAL)
    return go_to_questionnaire(round_, token)


def group_for_link(token: str) -> RespondentGroup | None:
    """The group of a long signed link or of a typed short code, if it is the group's current one."""
    group_uuid = read_signed_id_token("group-link", token)
    if group_uuid is not None:
        group = RespondentGroup.objects.select_related("round").filter(uuid=group_uuid).first()
        if group is None or not check_signed_id_token("group-link", token, group.uuid, group.link_version):
            return None
        return group
    return RespondentGroup.for_short_code(token)


@respondent_view
@require_http_methods(["GET", "POST"])
def start_group(request: HttpRequest, token: str) -> HttpResponse:
    if ratelimit.is_blocked(request):
        return too_many_attempts(request)
    group = group_for_link(token)
    if group is None:
        return invalid_link(request)
    round_ = group.round
    if not round_.is_accepting():
        return closed_message(request, round_)
    # Someone who started through this link before, in this browser, goes on where they were: the cookie is valid
    # on the whole site, so it reaches this URL too.
    existing = read_token_cookie(request, round_.uuid)
    if existing and responses_for_cookie(existing).filter(round=round_, group=group).exists():
        return go_to_questionnaire(round_, existing)
    if request.method == "GET":
        return landing(request, round_, group=group, personal=False, started=False)
    if not ratelimit.may_start_response(request, group):
        return flooding(request)
    personal = new_token()
    do_start_response(round_, group, personal, Response.Channel.ONLINE)
    return go_to_questionnaire(round_, personal)


@respondent_view
@require_http_methods(["GET", "POST"])
def resume_with_code(request: HttpRequest) -> HttpResponse:
    """ "Verder op een ander apparaat": the resume code shown on the questionnaire, typed here, opens the same
    response. Wrong codes count as failed link tokens (ratelimit.py)."""
    if ratelimit.is_blocked(request):
        return too_many_attempts(request)
    typed = request.POST.get("code", "") if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        code = codes.normalized(typed)
        found = (
            Response.objects.select_related("round").filter(resume_code_hash=Response.hash_resume_code(code)).first()
            if code
            else None
        )
        if found is None or code is None:
            ratelimit.record_failure(request)
            error = _("This code does not work. Check it against the code on your other device: %(n)d characters.") % {
                "n": codes.CODE_LENGTH
            }
        elif not found.is_submitted and not found.round.is_accepting():
            return closed_message(request, found.round)
        else:
            return go_to_questionnaire(found.round, CODE_COOKIE_PREFIX + code)
    context = {"typed": typed, "error": error, "example": codes.formatted("K7M4Q2XPABCD")}
    return render(request, "rounds/respondent_resume_code.html", context, status=400 if error else 200)
