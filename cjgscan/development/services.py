"""Writes to the action plan that other parts of cjgscan (dashboard, work sessions) call."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cjgscan.development.models import Action
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round


def create_action(
    organisation: Organisation,
    *,
    title: str,
    description: str = "",
    theme_code: str = "",
    item_code: str = "",
    round: Round | None = None,
    source: str = "",
    owner: Any = None,
    owner_name: str = "",
) -> Action:
    """A new action in the plan phase. The round, if given, must belong to the organisation."""
    if round is not None and round.organisation_id != organisation.pk:
        raise ValidationError("The round belongs to another organisation.")
    if any("\x00" in text for text in (title, description, theme_code, item_code, source, owner_name)):
        raise ValidationError("Text may not contain NUL bytes.")
    action = Action(
        organisation=organisation,
        title=title.strip()[:200],
        description=description,
        theme_code=theme_code,
        item_code=item_code,
        round=round,
        source=source[:100],
        owner=owner,
        owner_name=owner_name[:200],
    )
    action.full_clean(exclude=["owner", "round", "organisation"])
    with transaction.atomic():
        action.save()
    return action
