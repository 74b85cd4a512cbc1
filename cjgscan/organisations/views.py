import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cjgscan.instruments.models import InstrumentVersion
from cjgscan.organisations.access import get_membership, get_membership_admin
from cjgscan.organisations.cockpit import cockpit
from cjgscan.organisations.forms import OrganisationForm
from cjgscan.organisations.models import Membership, Organisation, OrganisationLogo


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
        "cockpit": cockpit(organisation, timezone.localdate()),
    }
    return render(request, "organisations/organisation_home.html", context)


def do_save_organisation(
    organisation: Organisation, logo: tuple[bytes, int, int] | None, remove_logo: bool = False
) -> None:
    """The details, and the logo replaced or removed, in one transaction; a new logo gets a new version number, so
    its URL changes and no browser shows a cached old one."""
    fields = ["name", "municipality", "region", "colour", "benchmark_opt_in", "two_factor_required"]
    with transaction.atomic():
        if logo is not None:
            png, width, height = logo
            OrganisationLogo.objects.update_or_create(
                organisation=organisation, defaults={"png": png, "width": width, "height": height}
            )
            organisation.logo_version += 1
            fields.append("logo_version")
        elif remove_logo and organisation.logo_version:
            OrganisationLogo.objects.filter(organisation=organisation).delete()
            organisation.logo_version = 0
            fields.append("logo_version")
        organisation.save(update_fields=fields)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership_admin(request, org_uuid)
    organisation = membership.organisation
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation.name = form.cleaned_data["name"]
        organisation.municipality = form.cleaned_data["municipality"]
        organisation.region = form.cleaned_data["region"]
        organisation.colour = form.cleaned_data["colour"]
        organisation.benchmark_opt_in = form.cleaned_data["benchmark_opt_in"]
        organisation.two_factor_required = form.cleaned_data["two_factor_required"]
        do_save_organisation(organisation, form.logo_png, remove_logo=form.cleaned_data["remove_logo"])
        messages.success(request, _("The details of %(name)s have been saved.") % {"name": organisation.name})
        return redirect("organisation_home", organisation.uuid)
    return render(request, "organisations/organisation_edit.html", {"organisation": organisation, "form": form})


# The house style is fetched by members only (an outsider gets 404, like every tenant-owned object); the version in
# the URL changes with every change, so browsers may keep it for a long time.
STYLE_CACHE = "private, max-age=31536000, immutable"


@login_required
@require_http_methods(["GET"])
def organisation_style(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    """A small stylesheet that sets the organisation's colour as a custom property (the CSP allows no inline style)."""
    organisation = get_membership(request, org_uuid).organisation
    body = f":root {{ --cjgscan-accent: {organisation.colour}; }}\n" if organisation.colour else ""
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = STYLE_CACHE
    return response


@login_required
@require_http_methods(["GET"])
def organisation_logo(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    organisation = get_membership(request, org_uuid).organisation
    logo = OrganisationLogo.objects.filter(organisation=organisation).first()
    if logo is None:
        raise Http404
    response = HttpResponse(bytes(logo.png), content_type="image/png")
    response["Cache-Control"] = STYLE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    return response
