"""Pages for installation administrators (is_staff): organisations with their first administrator, and switching
off someone's two-factor sign-in after a lost phone. Everyone else gets 403."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cjgscan.organisations import twofactor
from cjgscan.organisations.forms import AccountLookupForm, NewOrganisationForm
from cjgscan.organisations.members import do_invite
from cjgscan.organisations.models import Organisation, Role, TwoFactorReset
from cjgscan.organisations.views_members import base_url


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
@require_http_methods(["GET", "POST"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = NewOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email = data["administrator_email"]
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=data["name"], municipality=data["municipality"], region=data["region"]
            )
            outcome = do_invite(organisation, email, Role.BEHEERDER, request.user, base_url(request))
        if outcome == "invited":
            text = _("%(name)s has been created; %(email)s gets an invitation to choose a password.")
        else:
            text = _("%(name)s has been created; %(email)s already had an account and is its administrator.")
        messages.success(request, text % {"name": organisation.name, "email": email})
        return redirect("install_organisations")
    organisations = Organisation.objects.annotate(member_count=Count("memberships")).order_by("name")
    return render(request, "organisations/install_organisations.html", {"form": form, "organisations": organisations})


@staff_required
@require_http_methods(["GET", "POST"])
def two_factor_reset(request: HttpRequest) -> HttpResponse:
    form = AccountLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["email"]
        twofactor.do_reset(user, request.user)
        messages.success(
            request,
            _("Two-factor sign-in of %(email)s is off; they can set it up again from their account page.")
            % {"email": user.email},
        )
        return redirect("install_two_factor_reset")
    resets = TwoFactorReset.objects.select_related("user", "reset_by")[:20]
    return render(request, "organisations/install_two_factor_reset.html", {"form": form, "resets": resets})
