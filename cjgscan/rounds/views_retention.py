"""Retention for administrators (beheerder): delete a closed round's invitation addresses, or the whole round."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cjgscan.rounds.access import get_round_admin
from cjgscan.rounds.models import Round
from cjgscan.rounds.retention import RetentionError, delete_invitation_addresses, delete_round


class ConfirmDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this round and all its answers are deleted for good."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_delete_addresses(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = get_round_admin(request, org_uuid, round_uuid)
    if request.method == "POST":
        try:
            deleted = delete_invitation_addresses(round_.pk)
        except RetentionError:
            messages.error(request, _("Addresses can be deleted once the round is closed."))
        else:
            messages.success(
                request,
                _("%(count)s invitation addresses have been deleted. The response figures stay.") % {"count": deleted},
            )
        return redirect("round_detail", org_uuid, round_uuid)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": round_,
        "invitation_count": round_.invitations.count(),
        "is_closed": round_.status == Round.Status.CLOSED,
    }
    return render(request, "rounds/round_delete_addresses.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_delete(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = get_round_admin(request, org_uuid, round_uuid)
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_round(round_.pk)
        except (ProtectedError, RestrictedError):
            messages.error(request, _("This round cannot be deleted: other data still refers to it."))
            return redirect("round_detail", org_uuid, round_uuid)
        messages.success(request, _("The round “%(title)s” has been deleted.") % {"title": round_.title})
        return redirect("round_list", org_uuid)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": round_,
        "form": form,
        "response_count": round_.responses.count(),
        "invitation_count": round_.invitations.count(),
    }
    return render(request, "rounds/round_delete.html", context, status=400 if form.errors else 200)
