"""Retention: delete a closed round's invitation addresses (the figures stay), or a whole round."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cjgscan.rounds.models import Invitation, Response, Round


class RetentionError(Exception):
    pass


def delete_invitation_addresses(round_id: int) -> int:
    """Delete every invitation (address, link) of a closed round; the round keeps how many there were.
    Responses are never tied to invitations, so every answer and response figure stays as it was."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if round_.status != Round.Status.CLOSED:
            raise RetentionError("The round is not closed.")
        deleted, _by_model = Invitation.objects.filter(round=round_).delete()
        Round.objects.filter(pk=round_id).update(
            deleted_invitation_count=F("deleted_invitation_count") + deleted, addresses_deleted_on=timezone.localdate()
        )
    return deleted


def rounds_due(days: int, today: datetime.date | None = None) -> list[Round]:
    """Closed rounds whose closing date lies at least `days` days back and that still hold invitations."""
    today = today or timezone.localdate()
    return list(
        Round.objects.filter(
            status=Round.Status.CLOSED, closes_on__lte=today - datetime.timedelta(days=days), invitations__isnull=False
        )
        .distinct()
        .order_by("closes_on")
    )


def delete_round(round_id: int) -> None:
    """The round with its groups, invitations, responses and answers (and what other parts hang on it)."""
    with transaction.atomic():
        # Responses first: their group is protected against deletion while answers refer to it.
        Response.objects.filter(round_id=round_id).delete()
        Round.objects.filter(pk=round_id).delete()
