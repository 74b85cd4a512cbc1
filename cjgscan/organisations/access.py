"""Every tenant-owned object is fetched through these helpers.

An outsider gets 404 (no hint that the organisation exists); a member without the needed role gets 403.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from cjgscan.organisations.models import Membership

SESSION_KEY = "current_organisation"


def get_membership(request: HttpRequest, org_uuid: uuid.UUID) -> Membership:
    """The user's membership of the organisation, for any role; 404 for outsiders."""
    if not request.user.is_authenticated:
        raise Http404
    try:
        membership = Membership.objects.select_related("organisation").get(
            user_id=request.user.pk, organisation__uuid=org_uuid
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    if request.session.get(SESSION_KEY) != str(org_uuid):
        request.session[SESSION_KEY] = str(org_uuid)
    return membership


def get_membership_rw(request: HttpRequest, org_uuid: uuid.UUID) -> Membership:
    """Like get_membership, but readers (lezer) get 403."""
    membership = get_membership(request, org_uuid)
    if not membership.can_write:
        raise PermissionDenied
    return membership


def get_membership_admin(request: HttpRequest, org_uuid: uuid.UUID) -> Membership:
    """Like get_membership, but only administrators (beheerder) pass; others get 403."""
    membership = get_membership(request, org_uuid)
    if not membership.can_manage:
        raise PermissionDenied
    return membership
