"""Rounds are fetched through these helpers, on top of the organisation's access rules."""

import uuid

from django.http import Http404, HttpRequest

from cjgscan.organisations.access import get_membership, get_membership_admin, get_membership_rw
from cjgscan.organisations.models import Membership
from cjgscan.rounds.models import RespondentGroup, Round


def get_round(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> tuple[Membership, Round]:
    """Any member may look; outsiders get 404, also for another organisation's round."""
    membership = get_membership(request, org_uuid)
    return membership, _round_of(membership, round_uuid)


def get_round_rw(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> tuple[Membership, Round]:
    """Coordinators and administrators may change; readers get 403."""
    membership = get_membership_rw(request, org_uuid)
    return membership, _round_of(membership, round_uuid)


def get_round_admin(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> tuple[Membership, Round]:
    """Only administrators (beheerder): deleting addresses or whole rounds; others get 403."""
    membership = get_membership_admin(request, org_uuid)
    return membership, _round_of(membership, round_uuid)


def get_group(round_: Round, group_uuid: uuid.UUID) -> RespondentGroup:
    try:
        return round_.groups.get(uuid=group_uuid)
    except RespondentGroup.DoesNotExist:
        raise Http404 from None


def _round_of(membership: Membership, round_uuid: uuid.UUID) -> Round:
    try:
        round_ = Round.objects.select_related("version__instrument", "scale").get(
            uuid=round_uuid, organisation=membership.organisation
        )
    except Round.DoesNotExist:
        raise Http404 from None
    round_.organisation = membership.organisation
    return round_
