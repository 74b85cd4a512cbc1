"""The coordinator's pages for rounds: list, create, settings, groups, open/close, live response."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cjgscan.analysis.released import released_group_counts
from cjgscan.organisations.access import get_membership, get_membership_rw
from cjgscan.rounds.access import get_group, get_round, get_round_admin, get_round_rw
from cjgscan.rounds.actions import (
    RoundError,
    do_add_group,
    do_create_round,
    do_remove_group,
    do_rename_group,
    do_repeat_round,
    do_set_status,
)
from cjgscan.rounds.forms import GroupAddForm, GroupRenameForm, ReopenForm, RoundEditForm, RoundForm
from cjgscan.rounds.models import Response, Round
from cjgscan.rounds.progress import round_totals

GROUP_ERRORS = {
    "has responses": gettext_lazy("Groups cannot change any more: answers have come in."),
    "last group": gettext_lazy("A round needs at least one group."),
    "has invitations": gettext_lazy("This group has invitations; remove them first."),
    "duplicate": gettext_lazy("There is already a group with this name."),
}


@login_required
@require_GET
def round_list(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, org_uuid)
    rounds = (
        Round.objects.filter(organisation=membership.organisation)
        .select_related("version")
        .annotate(
            finished=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
            started=Count("responses", filter=Q(responses__status=Response.Status.IN_PROGRESS)),
        )
        .order_by("-opens_on", "-created")
    )
    context = {"membership": membership, "organisation": membership.organisation, "rounds": rounds}
    return render(request, "rounds/round_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership_rw(request, org_uuid)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = do_create_round(
            membership.organisation,
            data["version"],
            data["scale"],
            data["group_names"],
            **{name: data[name] for name in RoundForm.Meta.fields},
        )
        messages.success(request, _("The round has been created. Open it when you are ready."))
        return redirect("round_detail", org_uuid, round_.uuid)
    context = {"membership": membership, "organisation": membership.organisation, "form": form}
    return render(request, "rounds/round_form.html", context)


@login_required
@require_GET
def round_detail(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = get_round(request, org_uuid, round_uuid)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": round_,
        "totals": round_totals(round_),
    }
    if request.headers.get("HX-Request"):
        return render(request, "rounds/_progress.html", context)
    context.update(
        {
            # With the starts refused per group link for coming too fast from one address (ratelimit.py): a
            # count of refusals, which created nothing, so it says nothing about anyone who answered.
            "groups": list(round_.groups.annotate(refused_starts_total=Sum("refused_starts__count"))),
            # Per-group counts come from the latest release (what a round may show, and when), never live
            # from the responses: two looks around one submission must not tell that person's group.
            "released_group_counts": released_group_counts(round_),
            "paper_logs": list(round_.paper_entry_logs.select_related("group")),
            "reopen_form": ReopenForm(),
        }
    )
    return render(request, "rounds/round_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    form = RoundEditForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings have been saved."))
        return redirect("round_detail", org_uuid, round_uuid)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": round_,
        "form": form,
    }
    return render(request, "rounds/round_edit.html", context)


@login_required
@require_POST
def round_status(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, action: str) -> HttpResponse:
    _membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    closes_on = None
    if action == "heropenen":
        form = ReopenForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("closes_on", []):
                messages.error(request, str(error))
            return redirect("round_detail", org_uuid, round_uuid)
        closes_on = form.cleaned_data["closes_on"]
    status = {"openen": Round.Status.OPEN, "heropenen": Round.Status.OPEN, "sluiten": Round.Status.CLOSED}[action]
    try:
        do_set_status(round_.pk, status, closes_on)
    except RoundError:
        messages.error(request, _("This is not possible in the round's current state."))
    else:
        messages.success(
            request,
            _("The round is open: respondents can answer.")
            if status == Round.Status.OPEN
            else _("The round is closed: no more answers are taken."),
        )
    return redirect("round_detail", org_uuid, round_uuid)


@login_required
@require_POST
def round_repeat(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    """ "Herhaal deze meting": a new draft with the same set-up, for administrators."""
    _membership, round_ = get_round_admin(request, org_uuid, round_uuid)
    title = _("%(title)s (repeat)") % {"title": round_.title}
    repeat = do_repeat_round(round_, title[: Round._meta.get_field("title").max_length])
    messages.success(
        request,
        _(
            "A new round has been made with the same instrument, scale, groups, questions and minimum. Check its "
            "title and dates, then open it."
        ),
    )
    return redirect("round_detail", org_uuid, repeat.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def round_groups(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = (
        get_round(request, org_uuid, round_uuid)
        if request.method == "GET"
        else get_round_rw(request, org_uuid, round_uuid)
    )
    add_form = GroupAddForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        try:
            if "add" in request.POST:
                if add_form.is_valid():
                    do_add_group(round_, " ".join(add_form.cleaned_data["name"].split()))
                    messages.success(request, _("The group has been added."))
                    return redirect("round_groups", org_uuid, round_uuid)
            elif "rename" in request.POST:
                group = get_group(round_, _parse_uuid(request.POST.get("group")))
                rename = GroupRenameForm(request.POST)
                if rename.is_valid():
                    do_rename_group(round_, group, " ".join(rename.cleaned_data["name"].split()))
                    messages.success(request, _("The group has been renamed."))
                else:
                    messages.error(request, _("Give the group a name of at most 100 characters."))
                return redirect("round_groups", org_uuid, round_uuid)
            elif "remove" in request.POST:
                do_remove_group(round_, get_group(round_, _parse_uuid(request.POST.get("group"))))
                messages.success(request, _("The group has been removed."))
                return redirect("round_groups", org_uuid, round_uuid)
        except RoundError as error:
            messages.error(request, GROUP_ERRORS[str(error)])
            return redirect("round_groups", org_uuid, round_uuid)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": round_,
        "groups": round_.groups.all(),
        "editable": membership.can_write and not round_.has_responses(),
        "add_form": add_form,
    }
    return render(request, "rounds/round_groups.html", context)


def _parse_uuid(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None
