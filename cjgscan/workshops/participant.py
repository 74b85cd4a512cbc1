"""The participant's pages, on a phone and without an account.

Joining takes the session's short code and a name of one's choice. The participant then carries a random token
in a signed, HttpOnly cookie named after the session and sent only to the work session pages; the database holds
only a keyed hash of it.
Failed attempts to join are counted per client address in shared storage (cjgscan/limits), so that codes cannot
be guessed by trying from one address; and all failures together are counted too, so that a session's code stops
working after WORKSHOP_CODE_FAILURE_LIMIT of them, however many addresses the guesses come from.
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cjgscan.lib.client import client_address
from cjgscan.lib.joined import JoinedSelect
from cjgscan.limits import counters
from cjgscan.workshops import actions, themes
from cjgscan.workshops.forms import JoinForm, NoteForm, QuestionWishForm, WishForm
from cjgscan.workshops.live import countdown_text, not_modified, poll_etag, with_etag
from cjgscan.workshops.models import JOIN_FAILURES, Note, NoteTheme, Participant, Vote, Wish, Workshop, WorkshopQuestion
from cjgscan.workshops.views import ERRORS

COOKIE_SALT = "cjgscan.workshop-participant"
COOKIE_MAX_AGE = 60 * 60 * 24 * 3
# Failed joins per IP address in a window: enough for typing mistakes of a room behind one address,
# far too few to find one of 244 million codes by trying.
JOIN_FAILURE_LIMIT = 20
JOIN_WINDOW_SECONDS = 10 * 60
# The phones' poll: the participant by the hash of its token, with its session, by one statement written once per
# process (compiling the ORM's join on every poll cost about as much CPU as the rest of an unchanged poll).
POLL_LOOKUP = JoinedSelect(Participant, "workshop", where=["token_hash"], related_where=["uuid"])


# Nothing a participant sees is cached: the pages change with every note and vote.
participant_view = never_cache


def session_path(workshop: Workshop) -> str:
    return reverse("participant_home", args=[workshop.uuid])


def cookie_name(workshop: Workshop) -> str:
    return _cookie_name(workshop.uuid)


def _cookie_name(workshop_uuid: uuid.UUID) -> str:
    return f"ws_{workshop_uuid.hex[:16]}"


def message(request: HttpRequest, title: str, text: str, status: int = 200) -> HttpResponse:
    return render(request, "workshops/participant_message.html", {"title": title, "text": text}, status=status)


# Joining


def _is_limited(request: HttpRequest) -> bool:
    return counters.recent("workshop-join", client_address(request), JOIN_WINDOW_SECONDS) >= JOIN_FAILURE_LIMIT


def _count_failure(request: HttpRequest) -> None:
    counters.hit("workshop-join", client_address(request), JOIN_WINDOW_SECONDS)
    counters.add_to_total(JOIN_FAILURES)


@participant_view
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = JoinForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "workshops/join.html", {"form": form})
    form = JoinForm(request.POST)
    if _is_limited(request):
        form.is_valid()
        reply = render(request, "workshops/join.html", {"form": form, "limited": True}, status=429)
        reply.headers["Retry-After"] = str(JOIN_WINDOW_SECONDS)
        return reply
    if not form.is_valid():
        if "code" in form.errors:
            _count_failure(request)
        return render(request, "workshops/join.html", {"form": form}, status=400)
    workshop = Workshop.objects.filter(code=form.cleaned_data["code"]).first()
    if workshop is None:
        _count_failure(request)
        form.add_error("code", _("There is no work session with this code. Check the code on the screen."))
        return render(request, "workshops/join.html", {"form": form}, status=400)
    if not workshop.accepts_participants():
        _count_failure(request)
        form.add_error("code", _("This code no longer works: the work session has ended."))
        return render(request, "workshops/join.html", {"form": form}, status=410)
    existing = participant_of(request, workshop)
    if existing is None and workshop.code_worn_out(counters.total(JOIN_FAILURES)):
        # Not counted as a failure: the code was right, and counting it would wear out the next code too.
        form.add_error("code", _("This code no longer works. Ask the facilitator for the new code."))
        return render(request, "workshops/join.html", {"form": form}, status=410)
    if existing is not None:  # the same phone again: go on as the same participant
        return HttpResponseRedirect(session_path(workshop))
    _participant, token = actions.do_join(workshop, form.cleaned_data["name"])
    response = HttpResponseRedirect(session_path(workshop))
    response.set_signed_cookie(
        cookie_name(workshop),
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        # The join page and the session's pages; the name tells sessions apart. On the join page it lets the
        # same phone continue as the same participant.
        path=reverse("workshop_join"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _token(request: HttpRequest, workshop_uuid: uuid.UUID) -> str:
    try:
        return str(request.get_signed_cookie(_cookie_name(workshop_uuid), salt=COOKIE_SALT))
    except (KeyError, signing.BadSignature):
        return ""


def participant_of(request: HttpRequest, workshop: Workshop) -> Participant | None:
    token = _token(request, workshop.uuid)
    if not token:
        return None
    participant = Participant.objects.filter(workshop=workshop, token_hash=Participant.hash_token(token)).first()
    if participant is not None:
        participant.workshop = workshop
    return participant


def with_participant(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Find the session and the participant of this browser; without one, send them to the join page."""

    @participant_view
    @wraps(view)
    def wrapper(request: HttpRequest, workshop_uuid: uuid.UUID, *args: Any, **kwargs: Any) -> HttpResponse:
        workshop = (
            Workshop.objects.select_related("current_question__theme", "current_question__item")
            .filter(uuid=workshop_uuid)
            .first()
        )
        participant = participant_of(request, workshop) if workshop else None
        if workshop is None or participant is None:
            return message(
                request,
                _("Join the work session first"),
                _("We do not know you in this browser. Join with the code on the screen."),
                status=403,
            )
        return view(request, participant, *args, **kwargs)

    return wrapper


def _refuse(request: HttpRequest, error: actions.WorkshopError, target: str) -> HttpResponse:
    """An action that the session does not allow: the reason on the page the participant came from."""
    return render(
        request,
        "workshops/participant_message.html",
        {"title": _("That did not work"), "text": ERRORS[error.reason], "back": target},
        status=404 if error.reason in ("not yours", "not your wish") else 409,
    )


# The participant's pages


def page_context(participant: Participant, **extra: Any) -> dict[str, Any]:
    """What every participant page has: the session, and the box with the question now on the screen."""
    workshop = participant.workshop
    return {"workshop": workshop, "participant": participant, **now_context(workshop), **extra}


def now_context(workshop: Workshop) -> dict[str, Any]:
    current = workshop.current_question
    seconds = current.seconds_left() if current is not None else None
    return {
        "current": current,
        "seconds_left": seconds,
        "timer_text": countdown_text(seconds),
        "now_etag": poll_etag(workshop.revision),
        "now_themes": phone_themes(current),
    }


def phone_themes(question: WorkshopQuestion | None) -> list[tuple[NoteTheme, list[Note]]]:
    """The themes of the question on the screen as the big screen shows them: only notes on the screen (approved,
    not hidden, not merged away), and nothing before the facilitator reveals the answers. One query at most."""
    if question is None or not question.notes_visible:
        return []
    notes = Note.objects.filter(question=question, group__isnull=False).shown().select_related("group")
    return themes.grouped(list(notes))[0]


@participant_view
@require_GET
def now(request: HttpRequest, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The phones' poll: which question is on the screen and how long input stays open.

    While the session's revision is the one the phone has, one indexed lookup (the participant by the hash of
    the cookie's token, with the session's revision) answers 304.
    """
    token = _token(request, workshop_uuid)
    found = POLL_LOOKUP.get(Participant.hash_token(token), workshop_uuid) if token else None
    if found is None:
        return HttpResponse(status=403)
    assert isinstance(found, Participant)
    etag = poll_etag(found.workshop.revision)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    workshop = (
        Workshop.objects.select_related("current_question__theme", "current_question__item")
        .filter(uuid=workshop_uuid)
        .get()
    )
    context = {"workshop": workshop, **now_context(workshop)}
    return with_etag(render(request, "workshops/_participant_now.html", context), context["now_etag"])


@with_participant
def home(request: HttpRequest, participant: Participant) -> HttpResponse:
    workshop = participant.workshop
    questions = actions.ordered_questions(workshop)
    own = dict(Note.objects.filter(participant=participant).values_list("question").annotate(n=Count("pk")))
    context = page_context(participant, questions=[(q, own.get(q.pk, 0)) for q in questions])
    return render(request, "workshops/participant_home.html", context)


@with_participant
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, participant: Participant, question_uuid: uuid.UUID) -> HttpResponse:
    workshop = participant.workshop
    found = workshop.questions.select_related("theme", "item").filter(uuid=question_uuid).first()
    if found is None:
        return message(request, _("Question not found"), _("This question is not part of the session."), 404)
    form = NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_add_note(participant, found, form.cleaned_data["text"])
            except actions.WorkshopError as error:
                return _refuse(request, error, request.path)
            return redirect(reverse("participant_question", args=[workshop.uuid, found.uuid]) + "?toegevoegd=1")
        status = 400
    notes = list(Note.objects.filter(participant=participant, question=found))
    context = page_context(
        participant,
        question=found,
        form=form,
        wish_form=QuestionWishForm(),
        can_wish=workshop.is_open and workshop.voting_open,
        notes=notes,
        input_open=workshop.is_open and found.accepts_input(),
        added=request.GET.get("toegevoegd") == "1",
        moderated=workshop.moderate_notes,
    )
    return render(request, "workshops/participant_question.html", context, status=status)


@with_participant
@require_POST
def question_wish(request: HttpRequest, participant: Participant, question_uuid: uuid.UUID) -> HttpResponse:
    """A development wish made under a question: it belongs to the question's pillar and keeps the question."""
    workshop = participant.workshop
    found = workshop.questions.select_related("theme").filter(uuid=question_uuid).first()
    if found is None:
        return message(request, _("Question not found"), _("This question is not part of the session."), 404)
    back = reverse("participant_question", args=[workshop.uuid, found.uuid])
    form = QuestionWishForm(request.POST)
    if not form.is_valid():
        return message(request, _("That did not work"), _("Type your wish."), 400)
    if not workshop.voting_open:
        return _refuse(request, actions.WorkshopError("voting closed"), back)
    try:
        actions.do_add_wish(participant, found.theme, form.cleaned_data["text"], question=found)
    except actions.WorkshopError as error:
        return _refuse(request, error, back)
    return redirect(reverse("participant_wishes", args=[workshop.uuid]) + "#wensen")


@with_participant
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, participant: Participant, note_uuid: uuid.UUID) -> HttpResponse:
    note = (
        Note.objects.select_related("question__theme", "question__item")
        .filter(uuid=note_uuid, participant=participant)
        .first()
    )
    if note is None:
        return _refuse(request, actions.WorkshopError("not yours"), session_path(participant.workshop))
    back = reverse("participant_question", args=[participant.workshop.uuid, note.question.uuid])
    form = NoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_note(participant, note.uuid, form.cleaned_data["text"])
        except actions.WorkshopError as error:
            return _refuse(request, error, back)
        return redirect(back)
    context = page_context(participant, note=note, form=form, back=back)
    return render(request, "workshops/participant_note.html", context, status=400 if form.errors else 200)


@with_participant
@require_POST
def note_delete(request: HttpRequest, participant: Participant, note_uuid: uuid.UUID) -> HttpResponse:
    note = Note.objects.select_related("question").filter(uuid=note_uuid, participant=participant).first()
    if note is None:
        return _refuse(request, actions.WorkshopError("not yours"), session_path(participant.workshop))
    back = reverse("participant_question", args=[participant.workshop.uuid, note.question.uuid])
    try:
        actions.do_delete_note(participant, note.uuid)
    except actions.WorkshopError as error:
        return _refuse(request, error, back)
    return redirect(back)


@with_participant
@require_http_methods(["GET", "POST"])
def wishes(request: HttpRequest, participant: Participant) -> HttpResponse:
    workshop = participant.workshop
    pillars = list(workshop.pillars.order_by("number"))
    form = WishForm(request.POST or None, pillars=pillars)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_add_wish(participant, form.cleaned_data["pillar"], form.cleaned_data["text"])
            except actions.WorkshopError as error:
                return _refuse(request, error, request.path)
            return redirect(reverse("participant_wishes", args=[workshop.uuid]) + "#wensen")
        status = 400
    all_wishes = actions.wishes_by_votes(workshop)
    mine = set(Vote.objects.filter(participant=participant).values_list("wish_id", flat=True))
    context = page_context(
        participant,
        form=form,
        pillar_wishes=[(p, [w for w in all_wishes if w.theme_id == p.pk]) for p in pillars],
        my_votes=mine,
        votes_left=workshop.votes_per_participant - len(mine),
        show_votes=not workshop.hide_votes or not workshop.voting_open,
        can_change_wishes=workshop.is_open and workshop.voting_open,
    )
    return render(request, "workshops/participant_wishes.html", context, status=status)


@with_participant
@require_POST
def vote(request: HttpRequest, participant: Participant, wish_uuid: uuid.UUID, action: str) -> HttpResponse:
    back = reverse("participant_wishes", args=[participant.workshop.uuid])
    wish = Wish.objects.filter(workshop=participant.workshop, uuid=wish_uuid).first()
    if wish is None:
        return message(request, _("Wish not found"), _("This wish is not part of the session."), 404)
    try:
        if action == "stemmen":
            actions.do_vote(participant, wish)
        else:
            actions.do_unvote(participant, wish)
    except actions.WorkshopError as error:
        return _refuse(request, error, back)
    return redirect(f"{back}#wish-{wish.uuid}")


@with_participant
@require_http_methods(["GET", "POST"])
def wish_edit(request: HttpRequest, participant: Participant, wish_uuid: uuid.UUID) -> HttpResponse:
    """Change an own wish (its text or pillar) while voting is open and nobody else has voted for it."""
    workshop = participant.workshop
    back = reverse("participant_wishes", args=[workshop.uuid])
    wish = Wish.objects.select_related("theme").filter(uuid=wish_uuid, participant=participant).first()
    if wish is None:
        return _refuse(request, actions.WorkshopError("not your wish"), back)
    pillars = list(workshop.pillars.order_by("number"))
    form = WishForm(request.POST or None, pillars=pillars, initial={"pillar": wish.theme.code, "text": wish.text})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_wish(participant, wish.uuid, form.cleaned_data["pillar"], form.cleaned_data["text"])
        except actions.WorkshopError as error:
            return _refuse(request, error, back)
        return redirect(f"{back}#wish-{wish.uuid}")
    context = page_context(participant, wish=wish, form=form, back=back)
    return render(request, "workshops/participant_wish.html", context, status=400 if form.errors else 200)


@with_participant
@require_POST
def wish_delete(request: HttpRequest, participant: Participant, wish_uuid: uuid.UUID) -> HttpResponse:
    back = reverse("participant_wishes", args=[participant.workshop.uuid])
    try:
        actions.do_withdraw_wish(participant, wish_uuid)
    except actions.WorkshopError as error:
        return _refuse(request, error, back)
    return redirect(f"{back}#wensen")
