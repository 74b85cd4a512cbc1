"""Writes that touch several rows: each one function in one transaction."""

import datetime

from django.db import transaction
from django.utils import timezone

from cjgscan.analysis.released import do_release
from cjgscan.instruments.models import InstrumentVersion, Scale
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Invitation, RespondentGroup, Round


class RoundError(Exception):
    """A change that the round's state does not allow; the message is for the user."""


def do_create_round(
    organisation: Organisation,
    version: InstrumentVersion,
    scale: Scale,
    group_names: list[str],
    **fields: object,
) -> Round:
    with transaction.atomic():
        round_ = Round.objects.create(organisation=organisation, version=version, scale=scale, **fields)
        RespondentGroup.objects.bulk_create(
            RespondentGroup(round=round_, name=name, position=n).with_code_hash() for n, name in enumerate(group_names)
        )
    return round_


def do_set_status(round_id: int, status: str, closes_on: datetime.date | None = None) -> Round:
    """Open, close or reopen (with a new closing date)."""
    allowed = {
        Round.Status.OPEN: {Round.Status.DRAFT, Round.Status.CLOSED},
        Round.Status.CLOSED: {Round.Status.OPEN},
    }
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if round_.status not in allowed[Round.Status(status)]:
            raise RoundError(status)
        round_.status = status
        fields = ["status"]
        if closes_on is not None:
            round_.closes_on = closes_on
            fields.append("closes_on")
        if status == Round.Status.OPEN and round_.opens_on > timezone.localdate():
            round_.opens_on = timezone.localdate()
            fields.append("opens_on")
        round_.save(update_fields=fields)
        if status == Round.Status.CLOSED:
            # Results are released at closing, in the same transaction: a round is never closed without its
            # snapshot being taken (or refused by the release rule, and then the earlier one stays).
            do_release(round_)
    return round_


def check_groups_editable(round_: Round) -> None:
    if round_.has_responses():
        raise RoundError("has responses")


def do_remove_group(round_: Round, group: RespondentGroup) -> None:
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        check_groups_editable(round_)
        if round_.groups.count() <= 1:
            raise RoundError("last group")
        if Invitation.objects.filter(group=group).exists():
            raise RoundError("has invitations")
        group.delete()


def do_add_group(round_: Round, name: str) -> RespondentGroup:
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        check_groups_editable(round_)
        if round_.groups.filter(name__iexact=name).exists():
            raise RoundError("duplicate")
        position = max((g.position for g in round_.groups.all()), default=-1) + 1
        return RespondentGroup.objects.create(round=round_, name=name, position=position)


def do_rename_group(round_: Round, group: RespondentGroup, name: str) -> None:
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        check_groups_editable(round_)
        if round_.groups.exclude(pk=group.pk).filter(name__iexact=name).exists():
            raise RoundError("duplicate")
        group.name = name
        group.save(update_fields=["name"])


def do_repeat_round(round_: Round, title: str) -> Round:
    """A new draft round like this one: the newest version of its instrument (with the scale of the same code,
    if that version has it), the same groups in their order, the same questions asked and minimum. It opens
    today and runs as long as this one did."""
    version = (
        InstrumentVersion.objects.filter(instrument_id=round_.version.instrument_id).order_by("-number").first()
        or round_.version
    )
    scale = version.scales.filter(code=round_.scale.code).first()
    if scale is None:
        version, scale = round_.version, round_.scale
    today = timezone.localdate()
    return do_create_round(
        round_.organisation,
        version,
        scale,
        list(round_.groups.order_by("position", "pk").values_list("name", flat=True)),
        title=title,
        opens_on=today,
        closes_on=today + (round_.closes_on - round_.opens_on),
        ask_profession=round_.ask_profession,
        ask_importance=round_.ask_importance,
        min_group_size=round_.min_group_size,
    )
