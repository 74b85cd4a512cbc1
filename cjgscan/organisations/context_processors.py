from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cjgscan.organisations.models import Membership


def memberships(request: HttpRequest) -> dict[str, Any]:
    """The user's organisations, for the organisation switcher; queried only when a template uses it."""
    if not request.user.is_authenticated:
        return {"my_memberships": []}
    return {"my_memberships": SimpleLazyObject(lambda: list(Membership.objects.for_user(request.user)))}
