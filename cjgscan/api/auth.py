"""Bearer authentication with personal API keys, and the tenant rules of the pages applied to a key.

The API never looks at the session cookie: a key is the only way in, so a browser cannot be made to call the
API on a user's behalf (no CSRF hole) and CSRF tokens are not needed.
"""

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja.security import HttpBearer

from cjgscan.api.models import ApiToken
from cjgscan.organisations.models import Membership
from cjgscan.rounds.models import Round


class ApiKeyAuth(HttpBearer):
    openapi_description = "A personal API key (cjg_...), made under Account › API keys."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.objects.for_secret(token)
        if api_token is None or not api_token.user.is_active:
            return None
        api_token.mark_used()
        return api_token


def api_token(request: HttpRequest) -> ApiToken:
    token: Any = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token


def get_membership(request: HttpRequest, org_uuid: uuid.UUID) -> Membership:
    """The key's membership of the organisation; 404 when the key does not reach it (no hint it exists)."""
    membership = api_token(request).memberships().filter(organisation__uuid=org_uuid).first()
    if membership is None:
        raise Http404
    return membership


def get_membership_rw(request: HttpRequest, org_uuid: uuid.UUID) -> Membership:
    """Writing needs a read-and-write key and a role that may write (not lezer); otherwise 403."""
    membership = get_membership(request, org_uuid)
    if not api_token(request).can_write:
        raise PermissionDenied("This API key may only read.")
    if not membership.can_write:
        raise PermissionDenied("Your role in this organisation may only read.")
    return membership


def get_round(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> tuple[Membership, Round]:
    membership = get_membership(request, org_uuid)
    return membership, round_of(membership, round_uuid)


def round_of(membership: Membership, round_uuid: uuid.UUID) -> Round:
    round_ = (
        Round.objects.select_related("version__instrument", "scale")
        .filter(uuid=round_uuid, organisation=membership.organisation)
        .first()
    )
    if round_ is None:
        raise Http404
    round_.organisation = membership.organisation
    return round_
