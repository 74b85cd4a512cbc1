"""The action plan (acties) through the API: list, read, create and change (phase above all)."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from cjgscan.api.auth import get_membership, get_membership_rw, round_of
from cjgscan.api.schemas import ActionIn, ActionOut, ActionPatch, Phase
from cjgscan.development.models import Action
from cjgscan.development.origin import origin, origins
from cjgscan.development.services import create_action
from cjgscan.instruments.models import InstrumentVersion, Item, Theme
from cjgscan.organisations.models import Membership

router = Router(tags=["acties"])


def _action(action: Action, words: str | None = None) -> dict[str, Any]:
    """The action as the API gives it; `words` its origin in words when already known (origins of a list)."""
    return {
        "uuid": action.uuid,
        "round": action.round.uuid if action.round else None,
        "theme_code": action.theme_code,
        "item_code": action.item_code,
        "title": action.title,
        "description": action.description,
        "owner": action.owner_display,
        "starts_on": action.starts_on,
        "due_on": action.due_on,
        "phase": action.phase,
        "source": action.source,
        "origin": origin(action) if words is None else words,
        "created_at": action.created_at,
        "updated_at": action.updated_at,
    }


def _action_of(membership: Membership, action_uuid: uuid.UUID, lock: bool = False) -> Action:
    actions = Action.objects.for_organisation(membership.organisation)
    if lock:
        actions = actions.select_for_update(of=("self",))
    action = actions.filter(uuid=action_uuid).first()
    if action is None:
        raise Http404
    return action


def _checked_key(theme_code: str, item_code: str) -> str:
    """The key code, checked against the newest instrument versions as the action form does; derived from the
    characteristic when only that is given."""
    latest = InstrumentVersion.objects.latest_per_instrument().values("pk")
    if item_code:
        key = Item.objects.filter(code=item_code, theme__version__in=latest).values_list("theme__code", flat=True)
        item_key = key.first()
        if item_key is None:
            raise HttpError(422, f"item_code: there is no characteristic {item_code}.")
        if theme_code and theme_code != item_key:
            raise HttpError(422, f"item_code: {item_code} belongs to key {item_key}, not to {theme_code}.")
        return item_key
    if theme_code and not Theme.objects.filter(code=theme_code, version__in=latest).exists():
        raise HttpError(422, f"theme_code: there is no key {theme_code}.")
    return theme_code


def _check_dates(starts_on: Any, due_on: Any) -> None:
    if starts_on and due_on and due_on < starts_on:
        raise HttpError(422, "due_on lies before starts_on.")


@router.get("/organisaties/{org_uuid}/acties", response=list[ActionOut])
def action_list(
    request: HttpRequest, org_uuid: uuid.UUID, meting: uuid.UUID | None = None, fase: Phase | None = None
) -> list[dict[str, Any]]:
    """The organisation's action plan, optionally only the actions of one round (`meting`) or `fase`."""
    membership = get_membership(request, org_uuid)
    actions = Action.objects.for_organisation(membership.organisation)
    if meting is not None:
        actions = actions.filter(round__uuid=meting)
    if fase is not None:
        actions = actions.filter(phase=fase)
    rows = list(actions)
    words = origins(rows)
    return [_action(a, words[a.pk]) for a in rows]


@router.get("/organisaties/{org_uuid}/acties/{action_uuid}", response=ActionOut)
def action_detail(request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID) -> dict[str, Any]:
    return _action(_action_of(get_membership(request, org_uuid), action_uuid))


@router.post("/organisaties/{org_uuid}/acties", response={201: ActionOut})
def action_create(request: HttpRequest, org_uuid: uuid.UUID, payload: ActionIn) -> Status:
    """A new action. Needs a read-and-write key and the role beheerder or coordinator."""
    membership = get_membership_rw(request, org_uuid)
    round_ = round_of(membership, payload.round) if payload.round else None
    _check_dates(payload.starts_on, payload.due_on)
    theme_code = _checked_key(payload.theme_code, payload.item_code)
    try:
        with transaction.atomic():
            action = create_action(
                membership.organisation,
                title=payload.title,
                description=payload.description,
                theme_code=theme_code,
                item_code=payload.item_code,
                round=round_,
                owner_name=payload.owner_name,
                source="api",
            )
            fields = {"starts_on": payload.starts_on, "due_on": payload.due_on, "phase": payload.phase}
            if any(value != getattr(action, name) for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(action, name, value)
                action.save(update_fields=[*fields, "updated_at"])
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    return Status(201, _action(action))


@router.patch("/organisaties/{org_uuid}/acties/{action_uuid}", response=ActionOut)
def action_update(
    request: HttpRequest, org_uuid: uuid.UUID, action_uuid: uuid.UUID, payload: ActionPatch
) -> dict[str, Any]:
    """Change an action: its phase (plan, do, check, act) or its other fields. Only the fields sent change."""
    membership = get_membership_rw(request, org_uuid)
    changes = payload.dict(exclude_unset=True)
    for name in ("title", "description", "owner_name", "phase"):
        if name in changes and changes[name] is None:
            raise HttpError(422, f"{name} may not be null.")
    with transaction.atomic():
        action = _action_of(membership, action_uuid, lock=True)
        _check_dates(changes.get("starts_on", action.starts_on), changes.get("due_on", action.due_on))
        for name, value in changes.items():
            setattr(action, name, value.strip() if name == "title" else value)
        if changes:
            action.save(update_fields=[*changes, "updated_at"])
    return _action(action)
