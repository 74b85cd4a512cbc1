"""The action plan (plan-do-check-act) of an organisation, and the agreed scores of a round."""

import contextlib
import csv
import io
import uuid
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cjgscan.development.check import check_action
from cjgscan.development.forms import ActionForm, NoteForm, PhaseForm
from cjgscan.development.models import Action, ActionNote
from cjgscan.development.origin import origin, origins, source_words
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import InstrumentVersion, Item, Theme
from cjgscan.lib.spreadsheet import CSV_BOM, safe_row
from cjgscan.lib.tokens import keyed_hash
from cjgscan.organisations.access import get_membership, get_membership_rw
from cjgscan.organisations.models import Membership, Organisation
from cjgscan.rounds.models import Round

BY_KEY = "sleutel"
NO_KEY = ""


def owner_token(user_id: int) -> str:
    """How a member is named in the owner filter's URL: not the internal id."""
    return keyed_hash("action-owner-filter", str(user_id))[:16]


def _members(organisation: Organisation) -> Any:
    return get_user_model().objects.filter(memberships__organisation=organisation).order_by("first_name", "email")


def _rounds(organisation: Organisation) -> Any:
    return Round.objects.filter(organisation=organisation).order_by("-opens_on", "-created")


def _latest_themes() -> list[Theme]:
    """The keys and pillars (with their items) of the newest version of every instrument."""
    latest = InstrumentVersion.objects.latest_per_instrument().values("pk")
    return list(
        Theme.objects.filter(version__in=latest)
        .prefetch_related("items")
        .order_by("version__instrument__kind", "version__instrument__slug", "number")
    )


def _action(
    request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID, write: bool
) -> tuple[Membership, Action]:
    membership = get_membership_rw(request, org_uuid) if write else get_membership(request, org_uuid)
    try:
        action = Action.objects.select_related("owner", "round").get(
            uuid=action_uuid, organisation=membership.organisation
        )
    except Action.DoesNotExist:
        raise Http404 from None
    action.organisation = membership.organisation
    return membership, action


def _filtered_actions(request: HttpRequest, organisation: Organisation) -> tuple[list[Action], dict[str, Any]]:
    """The organisation's actions, filtered by ?eigenaar=, with the owner filter's choices."""
    members = list(_members(organisation))
    free_names = (
        Action.objects.filter(organisation=organisation, owner__isnull=True)
        .exclude(owner_name="")
        .values_list("owner_name", flat=True)
        .distinct()
        .order_by("owner_name")
    )
    choices = [(owner_token(m.pk), m.get_full_name() or m.email) for m in members]
    choices += [(f"naam:{name}", name) for name in free_names]
    chosen = request.GET.get("eigenaar", "")
    actions = Action.objects.for_organisation(organisation).order_by(F("due_on").asc(nulls_last=True), "created_at")
    if chosen:
        by_token = {owner_token(m.pk): m.pk for m in members}
        if chosen in by_token:
            actions = actions.filter(owner_id=by_token[chosen])
        elif chosen.startswith("naam:"):
            actions = actions.filter(owner__isnull=True, owner_name=chosen.removeprefix("naam:"))
        else:
            actions = actions.none()
    today = timezone.localdate()
    rows = list(actions)
    for action in rows:
        action.organisation = organisation
        action.overdue = action.is_overdue(today)  # type: ignore[attr-defined]
    return rows, {"owner_choices": choices, "owner_chosen": chosen}


@login_required
@require_GET
def action_list(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, org_uuid)
    organisation = membership.organisation
    actions, filters = _filtered_actions(request, organisation)
    view = BY_KEY if request.GET.get("weergave") == BY_KEY else "fase"
    context: dict[str, Any] = {
        "membership": membership,
        "organisation": organisation,
        "actions": actions,
        "view": view,
        "overdue_count": sum(1 for a in actions if getattr(a, "overdue", False)),
        **filters,
    }
    if view == BY_KEY:
        titles = {
            code: f"{code} {tr(title)}"
            for code, title in Theme.objects.filter(
                version__in=InstrumentVersion.objects.latest_per_instrument().values("pk")
            ).values_list("code", "title")
        }
        groups: dict[str, list[Action]] = defaultdict(list)
        for action in actions:
            groups[action.theme_code or NO_KEY].append(action)
        order = sorted(code for code in groups if code != NO_KEY)
        context["by_key"] = [(code, titles.get(code, code), groups[code]) for code in order]
        if NO_KEY in groups:
            context["by_key"].append((NO_KEY, _("Not linked to a key"), groups[NO_KEY]))
    else:
        context["columns"] = [(phase, [a for a in actions if a.phase == phase]) for phase in Action.Phase]
    return render(request, "development/action_list.html", context)


@login_required
@require_GET
def action_export(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    """The (filtered) plan as CSV for a spreadsheet: UTF-8 with BOM, semicolons, no formulas."""
    membership = get_membership(request, org_uuid)
    organisation = membership.organisation
    actions, _filters = _filtered_actions(request, organisation)
    words = origins(actions)
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Title"),
            _("Description"),
            _("Key"),
            _("Characteristic"),
            _("Round"),
            _("Owner"),
            _("Start date"),
            _("Due date"),
            _("Phase"),
            _("Overdue"),
            _("Source"),
        ]
    )
    for action in actions:
        writer.writerow(
            safe_row(
                [
                    action.title,
                    action.description,
                    action.theme_code,
                    action.item_code,
                    action.round.title if action.round else "",
                    action.owner_display,
                    action.starts_on.isoformat() if action.starts_on else "",
                    action.due_on.isoformat() if action.due_on else "",
                    action.get_phase_display(),
                    _("yes") if action.overdue else _("no"),  # type: ignore[attr-defined]
                    words[action.pk],
                ]
            )
        )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"actieplan-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _prefill(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    """Initial values from a "make an action" link: ?title=&description=&key=&item=&round=&source=."""
    params = request.GET
    initial: dict[str, Any] = {
        "title": params.get("title", "")[:200],
        "description": params.get("description", "")[:5000],
        "theme_code": params.get("key", "")[:20],
        "item_code": params.get("item", "")[:20],
        "source": params.get("source", "")[:100],
    }
    round_param = params.get("round", "")
    if round_param:
        with contextlib.suppress(ValueError):
            initial["round"] = Round.objects.filter(organisation=organisation, uuid=uuid.UUID(round_param)).first()
    return {k: v for k, v in initial.items() if v}


def _form(request: HttpRequest, organisation: Organisation, **kwargs: Any) -> ActionForm:
    members = _members(organisation)
    instance = kwargs.get("instance")
    if instance is not None and instance.owner_id:
        # Someone who has left the organisation stays the owner of their actions until changed.
        members = (members | get_user_model().objects.filter(pk=instance.owner_id)).distinct()
    return ActionForm(
        request.POST or None,
        members=members,
        rounds=_rounds(organisation),
        themes=_latest_themes(),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership_rw(request, org_uuid)
    organisation = membership.organisation
    form = _form(request, organisation, initial=_prefill(request, organisation))
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.organisation = organisation
        with transaction.atomic():
            action.save()
        messages.success(request, _("The action has been added to the plan."))
        return redirect("action_detail", org_uuid, action.uuid)
    context = {
        "membership": membership,
        "organisation": organisation,
        "form": form,
        "suggested_by": source_words(str(form["source"].value() or "")),
    }
    return render(request, "development/action_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID) -> HttpResponse:
    membership, action = _action(request, org_uuid, action_uuid, write=True)
    form = _form(request, membership.organisation, instance=action)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The action has been saved."))
        return redirect("action_detail", org_uuid, action.uuid)
    context = {"membership": membership, "organisation": membership.organisation, "form": form, "action": action}
    return render(request, "development/action_form.html", context)


def _subject_titles(action: Action) -> dict[str, str]:
    """The texts of the linked key and characteristic in the newest instrument versions."""
    latest = InstrumentVersion.objects.latest_per_instrument().values("pk")
    titles = {}
    if action.theme_code:
        theme = Theme.objects.filter(version__in=latest, code=action.theme_code).only("title").first()
        titles["theme_title"] = tr(theme.title) if theme else ""
    if action.item_code:
        item = Item.objects.filter(theme__version__in=latest, code=action.item_code).only("text").first()
        titles["item_title"] = tr(item.text) if item else ""
    return titles


@login_required
@require_GET
def action_detail(request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID) -> HttpResponse:
    membership, action = _action(request, org_uuid, action_uuid, write=False)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "action": action,
        "overdue": action.is_overdue(),
        "notes": action.notes.select_related("author"),
        "note_form": NoteForm(initial={"noted_on": timezone.localdate()}),
        "check": check_action(action),
        "origin": origin(action),
        "phases": Action.Phase,
        **_subject_titles(action),
    }
    return render(request, "development/action_detail.html", context)


@login_required
@require_POST
def action_phase(request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID) -> HttpResponse:
    _membership, action = _action(request, org_uuid, action_uuid, write=True)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the phases plan, do, check or act."))
    else:
        action.phase = form.cleaned_data["phase"]
        action.save(update_fields=["phase", "updated_at"])
        messages.success(
            request, _("The action is now in the phase “%(phase)s”.") % {"phase": action.get_phase_display()}
        )
    if request.POST.get("terug") == "lijst":
        return redirect("action_list", org_uuid)
    return redirect("action_detail", org_uuid, action.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def action_note(request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID) -> HttpResponse:
    membership, action = _action(request, org_uuid, action_uuid, write=True)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ActionNote.objects.create(
            action=action,
            noted_on=form.cleaned_data["noted_on"],
            text=form.cleaned_data["text"],
            author_id=request.user.pk,
        )
        messages.success(request, _("The note has been added."))
        return redirect("action_detail", org_uuid, action.uuid)
    context = {"membership": membership, "organisation": membership.organisation, "action": action, "form": form}
    return render(request, "development/action_note.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID) -> HttpResponse:
    membership, action = _action(request, org_uuid, action_uuid, write=True)
    if request.method == "POST":
        with transaction.atomic():
            action.delete()
        messages.success(request, _("The action “%(title)s” has been deleted.") % {"title": action.title})
        return redirect("action_list", org_uuid)
    context = {"membership": membership, "organisation": membership.organisation, "action": action}
    return render(request, "development/action_delete.html", context)
