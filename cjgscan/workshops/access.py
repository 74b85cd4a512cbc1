"""Work sessions are fetched through these helpers, on top of the organisation's access rules."""

import uuid

from django.http import Http404, HttpRequest

from cjgscan.organisations.access import get_membership, get_membership_rw
from cjgscan.organisations.models import Membership
from cjgscan.workshops.models import Workshop


def get_workshop(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, rw: bool = False
) -> tuple[Membership, Workshop]:
    """Any member may look, coordinators and administrators (rw) change; outsiders get 404, readers 403 on rw."""
    membership = (get_membership_rw if rw else get_membership)(request, org_uuid)
    return membership, workshop_of(membership, workshop_uuid)


def workshop_of(membership: Membership, workshop_uuid: uuid.UUID) -> Workshop:
    """The organisation's session with its current question, or 404."""
    try:
        workshop = Workshop.objects.select_related("version", "current_question__theme", "current_question__item").get(
            uuid=workshop_uuid, organisation=membership.organisation
        )
    except Workshop.DoesNotExist:
        raise Http404 from None
    workshop.organisation = membership.organisation
    return workshop
