import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cjgscan.instruments.models import InstrumentVersion
from cjgscan.organisations.access import get_membership, get_membership_admin
from cjgscan.organisations.forms import OrganisationForm
from cjgscan.organisations.models import Membership


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the only organisation; otherwise the list to choose from."""
    memberships = list(Membership.objects.for_user(request.user))
    if len(memberships) == 1:
        return redirect("organisation_home", memberships[0].organisation.uuid)
    return render(request, "organisations/home.html", {"memberships": memberships, "my_memberships": memberships})


@login_required
@require_GET
def organisation_home(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, org_uuid)
    organisation = membership.organisation
    members = organisation.memberships.select_related("user").order_by("role", "user__email")
    context = {
        "membership": membership,
        "organisation": organisation,
        "members": members,
        "instruments": InstrumentVersion.objects.latest_per_instrument(),
    }
    return render(request, "organisations/organisation_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership_admin(request, org_uuid)
    organisation = membership.organisation
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation.name = form.cleaned_data["name"]
        organisation.municipality = form.cleaned_data["municipality"]
        organisation.region = form.cleaned_data["region"]
        organisation.benchmark_opt_in = form.cleaned_data["benchmark_opt_in"]
        organisation.two_factor_required = form.cleaned_data["two_factor_required"]
        organisation.save(update_fields=["name", "municipality", "region", "benchmark_opt_in", "two_factor_required"])
        messages.success(request, _("The details of %(name)s have been saved.") % {"name": organisation.name})
        return redirect("organisation_home", organisation.uuid)
    return render(request, "organisations/organisation_edit.html", {"organisation": organisation, "form": form})
