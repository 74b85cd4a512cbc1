"""The members page of an organisation (administrators only) and the page behind an invitation link."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cjgscan.organisations import twofactor
from cjgscan.organisations.access import get_membership_admin
from cjgscan.organisations.forms import AcceptInvitationForm, InviteForm, RoleForm
from cjgscan.organisations.members import (
    LastAdministratorError,
    do_accept_invitation,
    do_change_role,
    do_invite,
    do_remove_member,
    invitation_for_token,
)
from cjgscan.organisations.models import MemberInvitation, Membership, Role


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    membership = get_membership_admin(request, org_uuid)
    organisation = membership.organisation
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        outcome = do_invite(organisation, email, form.cleaned_data["role"], request.user, base_url(request))
        text = {
            "invited": _("An invitation is on its way to %(email)s."),
            "added": _("%(email)s already had an account and is now a member; they get an e-mail about it."),
            "member": _("%(email)s is already a member."),
        }[outcome]
        messages.success(request, text % {"email": email})
        return redirect("member_list", organisation.uuid)
    members = organisation.memberships.select_related("user").order_by("user__email")
    pending = organisation.member_invitations.filter(accepted_at=None).order_by("email")
    context = {
        "organisation": organisation,
        "membership": membership,
        "members": [(m, RoleForm(initial={"role": m.role}, prefix=str(m.uuid))) for m in members],
        "pending": pending,
        "form": form,
        "invitation_days": settings.MEMBER_INVITATION_DAYS,
        "now": timezone.now(),
    }
    return render(request, "organisations/member_list.html", context)


def _member(request: HttpRequest, org_uuid: uuid.UUID, membership_uuid: uuid.UUID) -> Membership:
    admin = get_membership_admin(request, org_uuid)
    return get_object_or_404(
        Membership.objects.select_related("user"), organisation=admin.organisation, uuid=membership_uuid
    )


@login_required
@require_POST
def member_role(request: HttpRequest, org_uuid: uuid.UUID, membership_uuid: uuid.UUID) -> HttpResponse:
    member = _member(request, org_uuid, membership_uuid)
    form = RoleForm(request.POST, prefix=str(member.uuid))
    if form.is_valid():
        try:
            do_change_role(member, form.cleaned_data["role"])
        except LastAdministratorError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.") % {"email": member.user.email, "role": member.get_role_display()},
            )
    return redirect("member_list", org_uuid)


@login_required
@require_POST
def member_remove(request: HttpRequest, org_uuid: uuid.UUID, membership_uuid: uuid.UUID) -> HttpResponse:
    member = _member(request, org_uuid, membership_uuid)
    try:
        do_remove_member(member)
    except LastAdministratorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(email)s is no longer a member.") % {"email": member.user.email})
    if member.user_id == request.user.pk:
        return redirect("home")
    return redirect("member_list", org_uuid)


@login_required
@require_POST
def member_invitation_cancel(
    request: HttpRequest, org_uuid: uuid.UUID, memberinvitation_uuid: uuid.UUID
) -> HttpResponse:
    admin = get_membership_admin(request, org_uuid)
    invitation = get_object_or_404(
        MemberInvitation, organisation=admin.organisation, uuid=memberinvitation_uuid, accepted_at=None
    )
    invitation.delete()
    messages.success(request, _("The invitation for %(email)s has been withdrawn.") % {"email": invitation.email})
    return redirect("member_list", org_uuid)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a name and password; the account then exists with the invited role. Opening the link changes
    nothing; an expired or used link says so (in the same words whoever opens it)."""
    invitation, state = invitation_for_token(token)
    if invitation is None:
        raise Http404
    if state != "valid":
        return render(request, "organisations/invitation_invalid.html", {"state": state}, status=410)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = do_accept_invitation(invitation, data["first_name"], data["last_name"], data["password1"])
        if user is None:
            return render(request, "organisations/invitation_invalid.html", {"state": "used"}, status=410)
        messages.success(
            request, _("Welcome! You are now a member of %(name)s.") % {"name": invitation.organisation.name}
        )
        return twofactor.finish(request, user, reverse("organisation_home", args=[invitation.organisation.uuid]))
    context = {"invitation": invitation, "form": form, "role": Role(invitation.role).label}
    return render(request, "organisations/invitation_accept.html", context)
