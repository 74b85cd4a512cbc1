"""Account › API keys: make a key (its secret shown once), see when each was last used, revoke it."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cjgscan.api.forms import ApiTokenForm
from cjgscan.api.models import ApiToken
from cjgscan.organisations.models import Membership


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # logged in (login_required)
    memberships = list(Membership.objects.for_user(user))
    form = ApiTokenForm(request.POST or None, memberships=memberships)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = ApiToken.issue(
            user, form.cleaned_data["name"], form.cleaned_data["scope"], form.cleaned_data["organisation"]
        )
        form = ApiTokenForm(memberships=memberships)
    tokens = ApiToken.objects.filter(user=user).select_related("organisation")
    context = {"form": form, "tokens": tokens, "secret": secret, "my_memberships": memberships}
    # The secret is in this one response only: never cached (never_cache) and not kept anywhere.
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_uuid: uuid.UUID) -> HttpResponse:
    user: Any = request.user
    deleted, _detail = ApiToken.objects.filter(uuid=token_uuid, user=user).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("The API key has been revoked. It no longer works."))
    return redirect("api_token_list")
