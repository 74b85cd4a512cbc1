"""The facilitator's pages: sessions, the presentation on the big screen, merging notes, the agenda and its PDF."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cjgscan.limits import counters
from cjgscan.organisations.access import get_membership, get_membership_rw
from cjgscan.organisations.models import Membership
from cjgscan.workshops import actions
from cjgscan.workshops.access import get_workshop
from cjgscan.workshops.forms import OwnQuestionForm, WorkshopForm, dialogue_version
from cjgscan.workshops.from_round import rounds_to_start_from
from cjgscan.workshops.models import JOIN_FAILURES, Note, Wish, Workshop, WorkshopQuestion

ERRORS = {
    "ended": gettext_lazy("The work session has ended; nothing can be added or changed any more."),
    "not yours": gettext_lazy("You can only change your own notes."),
    "merged": gettext_lazy("This note has been merged with another one and can no longer be changed."),
    "merge needs two": gettext_lazy("Choose at least two notes to merge."),
    "voting closed": gettext_lazy("Voting is closed."),
    "already voted": gettext_lazy("You have already voted for this wish."),
    "no votes left": gettext_lazy("You have no votes left. Withdraw a vote first to vote for another wish."),
    "time up": gettext_lazy("The time for this question is up; answers can no longer be added or changed."),
    "no such note": gettext_lazy("This note is not part of the question."),
    "not your wish": gettext_lazy("You can only change your own wishes."),
    "wish is an action": gettext_lazy("This wish is already an action of the development plan."),
    "wish has votes": gettext_lazy("Others have voted for this wish, so it can no longer be changed."),
}


def _context(membership: Membership, workshop: Workshop | None = None, **extra: Any) -> dict[str, Any]:
    return {"membership": membership, "organisation": membership.organisation, "workshop": workshop, **extra}


def join_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("workshop_join"))


@login_required
@require_GET
def workshop_list(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, org_uuid)
    workshops = (
        Workshop.objects.filter(organisation=membership.organisation)
        .annotate(
            participant_count=Count("participants", distinct=True),
            wish_count=Count("wishes", distinct=True),
        )
        .order_by("-held_on", "-created")
    )
    return render(request, "workshops/workshop_list.html", _context(membership, workshops=workshops))


@login_required
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership_rw(request, org_uuid)
    version = dialogue_version()
    if version is None:
        messages.error(request, _("The five pillars instrument has not been loaded yet; ask the administrator."))
        return redirect("workshop_list", org_uuid)
    rounds = list(rounds_to_start_from(membership.organisation))
    form = WorkshopForm(
        request.POST or None, version=version, rounds=rounds, initial={"round": request.GET.get("round", "")[:40]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workshop = actions.do_create_workshop(
            membership.organisation,
            version,
            data["pillar_objects"],
            data["item_objects"],
            **{name: data[name] for name in WorkshopForm.Meta.fields},
            **form.round_fields(),
        )
        messages.success(request, _("The work session has been created. Participants join with its code."))
        if workshop.round_id is not None:
            return redirect("workshop_from_round", org_uuid, workshop.uuid)
        return redirect("workshop_detail", org_uuid, workshop.uuid)
    return render(request, "workshops/workshop_form.html", _context(membership, form=form, version=version))


@login_required
@require_GET
def workshop_detail(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    questions = actions.ordered_questions(workshop)
    counts = dict(Note.objects.filter(question__workshop=workshop).values_list("question").annotate(n=Count("pk")))
    context = _context(
        membership,
        workshop,
        questions=[(question, counts.get(question.pk, 0)) for question in questions],
        pillars=list(workshop.pillars.order_by("number")),
        participants=list(workshop.participants.values_list("name", flat=True)),
        join_url=join_url(request),
        question_form=OwnQuestionForm(version=workshop.version),
        code_worn_out=workshop.code_worn_out(counters.total(JOIN_FAILURES)),
    )
    return render(request, "workshops/workshop_detail.html", context)


@login_required
@require_POST
def workshop_question_add(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    form = OwnQuestionForm(request.POST, version=workshop.version)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        actions.do_add_own_question(workshop, form.cleaned_data["pillar"], form.cleaned_data["text"])
        messages.success(request, _("Your question has been added."))
    return redirect("workshop_detail", org_uuid, workshop_uuid)


# The facilitator's moves (the screen and the regie: live.py)


@login_required
@require_POST
def workshop_move(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """Show another question on the big screen and on the participants' phones."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    question = _question_of(workshop, request.POST.get("question", ""))
    actions.do_move(workshop, question)
    return redirect("workshop_present", org_uuid, workshop_uuid)


def _question_of(workshop: Workshop, value: Any) -> WorkshopQuestion:
    try:
        return workshop.questions.select_related("theme", "item").get(uuid=uuid.UUID(str(value)))
    except (ValueError, WorkshopQuestion.DoesNotExist):
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def workshop_merge(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, question_uuid: uuid.UUID
) -> HttpResponse:
    """Merge duplicate notes of one question: the earliest chosen note stays and counts the others."""
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    question = _question_of(workshop, question_uuid)
    if request.method == "POST":
        try:
            keeper = actions.do_merge_notes(question, request.POST.getlist("note"))
        except actions.WorkshopError as error:
            messages.error(request, str(ERRORS[error.reason]))
        else:
            messages.success(request, _("The notes have been merged into “%(text)s”.") % {"text": keeper.text[:80]})
            if request.POST.get("next") == "present":
                return redirect("workshop_present", org_uuid, workshop_uuid)
        return redirect("workshop_merge", org_uuid, workshop_uuid, question_uuid)
    notes = list(Note.objects.filter(question=question).shown())
    return render(request, "workshops/merge.html", _context(membership, workshop, question=question, notes=notes))


@login_required
@require_POST
def workshop_voting(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, action: str) -> HttpResponse:
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    if not workshop.is_open:
        messages.error(request, str(ERRORS["ended"]))
    else:
        actions.do_set_voting(workshop, is_open=action == "openen")
        messages.success(
            request,
            _("Voting is open again.") if action == "openen" else _("Voting is closed. The agenda is final."),
        )
    target = "workshop_agenda" if request.POST.get("next") == "agenda" else "workshop_present"
    return redirect(target, org_uuid, workshop_uuid)


@login_required
@require_POST
def workshop_new_code(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    if not workshop.is_open:
        messages.error(request, _("The work session has ended; it gets no new code."))
    else:
        code = actions.do_new_code(workshop)
        messages.success(
            request,
            _("The work session has a new code: %(code)s. The old code no longer works; who joined stays in.")
            % {"code": f"{code[:3]} {code[3:]}"},
        )
    return redirect("workshop_detail", org_uuid, workshop_uuid)


@login_required
@require_POST
def workshop_end(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    actions.do_end(workshop)
    messages.success(request, _("The work session has ended. Its code no longer works; the agenda stays."))
    return redirect("workshop_agenda", org_uuid, workshop_uuid)


# The development agenda


def agenda_context(membership: Membership, workshop: Workshop) -> dict[str, Any]:
    pillars = list(workshop.pillars.order_by("number"))
    wishes = actions.wishes_by_votes(workshop)
    for wish in wishes:
        wish.action_url = _action_url(workshop, wish)  # type: ignore[attr-defined]
    return _context(
        membership,
        workshop,
        pillar_wishes=[(pillar, [w for w in wishes if w.theme_id == pillar.pk]) for pillar in pillars],
        can_make_actions=membership.can_write,
    )


def _action_url(workshop: Workshop, wish: Wish) -> str:
    if wish.action_uuid is None:
        return ""
    return reverse("action_detail", args=[workshop.organisation.uuid, wish.action_uuid])


@login_required
@require_GET
def workshop_agenda(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    return render(request, "workshops/agenda.html", agenda_context(membership, workshop))


@login_required
@require_GET
def workshop_agenda_pdf(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """The old address of the agenda's PDF: the werksessie report, whose PDF (made by the worker, never in a
    request) holds the agenda with every note."""
    get_workshop(request, org_uuid, workshop_uuid)
    return redirect(reverse("workshop_report", args=[org_uuid, workshop_uuid]) + "#pdf")


@login_required
@require_POST
def wish_to_action(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, wish_uuid: uuid.UUID
) -> HttpResponse:
    """One click: the wish becomes an action of the development plan (a second click changes nothing)."""
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    wish = Wish.objects.filter(workshop=workshop, uuid=wish_uuid).first()
    if wish is None:
        raise Http404
    _action_uuid, created = actions.do_wish_to_action(wish, membership.organisation)
    if created:
        messages.success(
            request, _("The wish “%(text)s” is now an action of the development plan.") % {"text": wish.text[:80]}
        )
    else:
        messages.info(request, _("This wish was already made an action."))
    return redirect(reverse("workshop_agenda", args=[org_uuid, workshop_uuid]) + f"#wish-{wish.uuid}")
