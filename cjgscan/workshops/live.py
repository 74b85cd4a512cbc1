"""The session in the room: the big screen, the facilitator's regie and what both poll.

The big screen (`scherm/`) is a page of its own without the site's menu, for a beamer at 1920×1080 or 1280×720.
The regie (`presenteren/`) holds the controls. Both, and the participants' phones, poll a fragment every few
seconds with the revision they have as ETag; while nothing changed the answer is an empty 304 after one lookup.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cjgscan.organisations.access import get_membership
from cjgscan.organisations.models import Membership
from cjgscan.rounds.paper import qr_svg_inline, without_scheme
from cjgscan.workshops import actions, from_round, themes
from cjgscan.workshops.access import get_workshop, workshop_of
from cjgscan.workshops.models import Note, Workshop, WorkshopQuestion
from cjgscan.workshops.views import ERRORS, _context, _question_of, join_url

# Timer lengths the regie offers, and what "more time" adds.
TIMER_CHOICES = (60, 120, 180, 300, 600)
EXTRA_SECONDS = 60
SCREEN_LIVE = "workshops/_screen_live.html"
SLIDE_LIVE = "workshops/_slide_live.html"


def poll_etag(revision: int) -> str:
    """The version of what a poll shows: the session's revision and the page's language."""
    return f'"r{revision}-{get_language()}"'


def countdown_text(seconds: int | None) -> str:
    """The countdown as the screens show it before their script takes over: 4:05."""
    return "" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    if request.headers.get("If-None-Match") == etag:
        reply = HttpResponseNotModified()
        reply["ETag"] = etag
        return reply
    return None


def with_etag(reply: HttpResponse, etag: str) -> HttpResponse:
    reply["ETag"] = etag
    return reply


def screen_context(workshop: Workshop, *, facilitator: bool) -> dict[str, Any]:
    """What the big screen (and the regie) show: a fixed number of queries, however many notes and votes.

    The big screen shows only approved notes that are not hidden, and only once revealed; the facilitator sees every
    note that is not merged away, with its state, to moderate it.
    """
    question = workshop.current_question
    notes: list[Note] = []
    if question is not None:
        found = Note.objects.filter(question=question, merged_into__isnull=True).select_related("group")
        notes = list(found.annotate_merged()) if facilitator else list(found.shown())
    shown_count = sum(1 for note in notes if note.status == Note.Status.SHOWN)
    # Themes: the regie lists every theme of the question (one query), the big screen those with a note it shows.
    note_themes, loose_notes = themes.grouped(
        notes, themes.question_themes(question) if facilitator and question is not None else None
    )
    pillars = list(workshop.pillars.order_by("number"))
    wishes = actions.wishes_by_votes(workshop)
    return {
        "question": question,
        "notes": notes,
        "note_themes": note_themes,
        "loose_notes": loose_notes,
        "note_count": shown_count,
        "notes_visible": question is not None and (question.notes_visible or facilitator),
        "seconds_left": (seconds := question.seconds_left() if question is not None else None),
        "timer_text": countdown_text(seconds),
        "show_votes": not workshop.hide_votes or not workshop.voting_open,
        "pillar_wishes": [(pillar, [w for w in wishes if w.theme_id == pillar.pk]) for pillar in pillars],
        "participant_count": workshop.participants.count(),
        "vote_count": sum(wish.vote_count for wish in wishes),  # type: ignore[attr-defined]
        "facilitator": facilitator,
    }


def _poll(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> tuple[Membership, str]:
    """The member and the ETag of what the session shows now: one lookup after the membership."""
    membership = get_membership(request, org_uuid)
    revision = (
        Workshop.objects.filter(uuid=workshop_uuid, organisation=membership.organisation)
        .values_list("revision", flat=True)
        .first()
    )
    if revision is None:
        raise Http404
    return membership, poll_etag(revision)


@login_required
@require_GET
@never_cache
def workshop_screen(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The big screen: full-screen, no menu; the question in large type, the join address, QR code and code."""
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    url = join_url(request)
    slide = from_round.slide_context(workshop)
    theming = screen_theming(request, membership, workshop)
    context = _context(
        membership,
        workshop,
        slide=slide,
        live_template=SCREEN_LIVE if slide is None else SLIDE_LIVE,
        theming=theming,
        live_query="?themas=1" if theming else "",
        # host and path apart, so that a narrow column breaks the address between them rather than in a word
        join_address=without_scheme(url).partition("/")[::2],
        qr_svg=qr_svg_inline(f"{url}?code={workshop.code}", _("QR code to join the work session"), scale=0),
        etag=poll_etag(workshop.revision),
        **screen_context(workshop, facilitator=False),
    )
    return with_etag(render(request, "workshops/screen.html", context), context["etag"])


def screen_theming(request: HttpRequest, membership: Membership, workshop: Workshop) -> bool:
    """The big screen with the theme controls (`?themas=1`): for those who may write, while the session is open."""
    return request.GET.get("themas") == "1" and membership.can_write and workshop.is_open


def _fragment(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, template: str, *, facilitator: bool
) -> HttpResponse:
    """A poll: 304 while the revision is the one the client has, else the fragment as it is now."""
    membership, etag = _poll(request, org_uuid, workshop_uuid)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    workshop = workshop_of(membership, workshop_uuid)
    # The big screen shows the round's opening slide instead of the question while the facilitator is on one.
    slide = None if facilitator else from_round.slide_context(workshop)
    context = _context(
        membership,
        workshop,
        slide=slide,
        theming=not facilitator and screen_theming(request, membership, workshop),
        **screen_context(workshop, facilitator=facilitator),
    )
    return with_etag(render(request, template if slide is None else SLIDE_LIVE, context), poll_etag(workshop.revision))


@login_required
@require_GET
@never_cache
def workshop_screen_live(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The big screen's poll."""
    return _fragment(request, org_uuid, workshop_uuid, SCREEN_LIVE, facilitator=False)


@login_required
@require_GET
@never_cache
def workshop_live(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The regie's poll: every note of the current question with its state, the wishes with their votes."""
    return _fragment(request, org_uuid, workshop_uuid, "workshops/_live.html", facilitator=True)


@login_required
@require_GET
@never_cache
def workshop_present(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The regie: the facilitator's controls, on a laptop or a phone, beside the big screen."""
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    questions = actions.ordered_questions(workshop)
    current = next((n for n, q in enumerate(questions) if q.pk == workshop.current_question_id), None)
    context = _context(
        membership,
        workshop,
        questions=questions,
        previous=questions[current - 1] if current else None,
        next=questions[current + 1] if current is not None and current + 1 < len(questions) else None,
        position=(current or 0) + 1,
        join_url=join_url(request),
        timer_choices=[(seconds, seconds // 60) for seconds in TIMER_CHOICES],
        slides=from_round.regie_slides(workshop),
        etag=poll_etag(workshop.revision),
        **screen_context(workshop, facilitator=True),
    )
    return with_etag(render(request, "workshops/present.html", context), context["etag"])


def _back_to_regie(org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, anchor: str = "") -> HttpResponse:
    return redirect(reverse("workshop_present", args=[org_uuid, workshop_uuid]) + anchor)


@login_required
@require_POST
def workshop_question_control(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, question_uuid: uuid.UUID
) -> HttpResponse:
    """Reveal and countdown of one question: `do` is hide, show, reveal, timer, more-time or stop-timer."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    if not workshop.is_open:
        messages.error(request, str(ERRORS["ended"]))
        return _back_to_regie(org_uuid, workshop_uuid)
    question: WorkshopQuestion = _question_of(workshop, question_uuid)
    do = request.POST.get("do", "")
    if do == "hide":
        actions.do_set_notes_hidden(question, True)
        messages.success(request, _("The answers stay off the big screen until you reveal them."))
    elif do == "show":
        actions.do_set_notes_hidden(question, False)
        messages.success(request, _("The answers appear on the big screen as they come in."))
    elif do == "reveal":
        actions.do_reveal(question)
        messages.success(request, _("The answers are on the big screen."))
    elif do == "timer":
        seconds = _int(request.POST.get("seconds"))
        if seconds not in TIMER_CHOICES:
            raise Http404
        actions.do_start_timer(question, seconds)
        messages.success(request, _("The countdown has started."))
    elif do == "more-time":
        actions.do_add_time(question, EXTRA_SECONDS)
        messages.success(request, _("One minute has been added."))
    elif do == "stop-timer":
        actions.do_stop_timer(question)
        messages.success(request, _("The countdown has stopped; input is open without a time limit."))
    else:
        raise Http404
    return _back_to_regie(org_uuid, workshop_uuid, "#controls")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


MODERATION = {
    "verbergen": Note.Status.HIDDEN,
    "terugzetten": Note.Status.SHOWN,
    "goedkeuren": Note.Status.SHOWN,
}


@login_required
@require_POST
def workshop_note_moderate(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, note_uuid: uuid.UUID, action: str
) -> HttpResponse:
    """Hide a note from the big screen, put it back, or approve one that waits in the queue."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    note = Note.objects.select_related("question").filter(uuid=note_uuid, question__workshop=workshop).first()
    if note is None:
        raise Http404
    actions.do_moderate_note(note.question, note.uuid, MODERATION[action])
    return _back_to_regie(org_uuid, workshop_uuid, "#notes")


@login_required
@require_POST
def workshop_options(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The session's choices: vote counts hidden until voting closes; notes approved before they are shown."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    actions.do_set_options(
        workshop,
        hide_votes=request.POST.get("hide_votes") == "on",
        moderate_notes=request.POST.get("moderate_notes") == "on",
    )
    messages.success(request, _("The settings of the session have been saved."))
    return _back_to_regie(org_uuid, workshop_uuid, "#options")
