"""Pages for personal invitations: add addresses per group, send invitations and reminders.

The coordinator sees per group how many were invited and e-mailed, and for the round as a whole how many
answered through a personal link. Nothing about an address tells whether its link was used: not the list,
not removing it (docs/invitations.md).
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from cjgscan.organisations.models import Membership
from cjgscan.rounds.access import get_round, get_round_rw
from cjgscan.rounds.invitations import (
    MAX_ADDRESSES,
    MAX_UPLOAD_BYTES,
    WORKER_PATIENCE,
    AddressListError,
    MailingRefused,
    can_send,
    check_addresses,
    counts_per_group,
    do_add_invitations,
    do_queue_mailing,
    groups_below_minimum,
    mailing_state,
    parse_text,
    parse_upload,
)
from cjgscan.rounds.models import Invitation, RespondentGroup, Round
from cjgscan.rounds.progress import round_totals

SHOWN_SKIPPED = 20


class AddInvitationsForm(forms.Form):
    group = forms.ChoiceField(label=gettext_lazy("Group"))
    addresses = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy("Paste the addresses: one per line, or separated by commas, semicolons or spaces."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, groups: list[RespondentGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(group.uuid): group for group in groups}
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [
            ("", _("Choose a group")),
            *((key, g.name) for key, g in self.groups.items()),
        ]
        self.fields["file"].help_text = _(
            "CSV or Excel (.xlsx), at most %(size)d MB and %(count)s addresses: the first column, "
            "or the column named e-mail. A header row is optional."
        ) % {
            "size": MAX_UPLOAD_BYTES // (1024 * 1024),
            "count": number_format(MAX_ADDRESSES, force_grouping=True),
        }
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "group" in cleaned:
            cleaned["group"] = self.groups[cleaned["group"]]
        text, upload = cleaned.get("addresses", ""), cleaned.get("file")
        if not text and not upload:
            self.add_error("addresses", _("Paste addresses or choose a file."))
        elif text and upload:
            self.add_error("file", _("Paste addresses or choose a file, not both."))
        else:
            source = "file" if upload else "addresses"
            try:
                found = parse_upload(upload) if upload else parse_text(text)
                cleaned["emails"] = check_addresses(found)
            except AddressListError as error:
                self.add_error(source, str(error))
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        # Tie each message to its field for screen readers.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                described = [f"id_{name}_error", *filter(None, [widget.attrs.get("aria-describedby")])]
                widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(described)})


def _page(
    request: HttpRequest, membership: Membership, round_: Round, form: AddInvitationsForm | None = None
) -> HttpResponse:
    groups = list(counts_per_group(round_))
    addresses: dict[int, list[Invitation]] = {group.pk: [] for group in groups}
    for invitation in round_.invitations.order_by("email").only("uuid", "email", "group_id", "round_id"):
        addresses[invitation.group_id].append(invitation)
    for group in groups:
        group.addresses = addresses[group.pk]  # type: ignore[attr-defined]
    totals = {key: sum(getattr(group, key) for group in groups) for key in ("invited", "emailed")}
    if form is None and membership.can_write:
        form = AddInvitationsForm(groups=groups)
    context = {
        "organisation": membership.organisation,
        "round": round_,
        "membership": membership,
        "groups": groups,
        "totals": totals,
        "personal": round_totals(round_).personal,
        "reminders": list(round_.reminder_mailings.all()),
        "form": form,
        "can_send": can_send(round_),
        "mailing": mailing_state(round_) if membership.can_write else None,  # shown with the send buttons
        "patience_minutes": int(WORKER_PATIENCE.total_seconds() // 60),
    }
    return render(request, "rounds/invitations.html", context)


@login_required
@require_GET
def invitation_list(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = get_round(request, org_uuid, round_uuid)
    return _page(request, membership, round_)


@login_required
@require_POST
def invitation_add(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    form = AddInvitationsForm(request.POST, request.FILES, groups=list(round_.groups.all()))
    if not form.is_valid():
        return _page(request, membership, round_, form)
    group = form.cleaned_data["group"]
    result = do_add_invitations(round_, group, form.cleaned_data["emails"])
    if result.created:
        count = len(result.created)
        messages.success(
            request,
            ngettext(
                "%(count)d address has been added to %(group)s.",
                "%(count)d addresses have been added to %(group)s.",
                count,
            )
            % {"count": count, "group": group.name},
        )
    if result.skipped:
        count = len(result.skipped)
        shown = ", ".join(result.skipped[:SHOWN_SKIPPED]) + (" …" if count > SHOWN_SKIPPED else "")
        messages.warning(
            request,
            ngettext(
                "%(count)d address was skipped because it has already been invited in this round: %(addresses)s",
                "%(count)d addresses were skipped because they have already been invited in this round: %(addresses)s",
                count,
            )
            % {"count": count, "addresses": shown},
        )
    return redirect("invitation_list", membership.organisation.uuid, round_.uuid)


@login_required
@require_POST
def invitation_delete(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, invitation_uuid: uuid.UUID
) -> HttpResponse:
    membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    # Always allowed, with the same words: refusing a used link would tell who took part. A response that
    # came in through the link stays and keeps counting; the link stops working.
    invitation = round_.invitations.filter(uuid=invitation_uuid).first()
    if invitation is None:
        raise Http404
    invitation.delete()
    messages.success(request, _("%(email)s has been removed.") % {"email": invitation.email})
    return redirect("invitation_list", membership.organisation.uuid, round_.uuid)


def _queue_mailing(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, reminder: bool) -> HttpResponse:
    membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    if round_.status == Round.Status.DRAFT:
        messages.error(request, _("Open the round before you send invitations or reminders."))
    elif not can_send(round_):
        messages.error(request, _("This round is closed; no more invitations or reminders can be sent."))
    elif not reminder and (small := groups_below_minimum(round_)):
        messages.error(
            request,
            _(
                "Nothing has been sent. A group needs at least %(minimum)d personal invitations, so that no answer "
                "can be narrowed down to fewer people; too few in: %(groups)s. Add addresses, or use the group's "
                "link or paper forms for it instead."
            )
            % {"minimum": round_.min_group_size, "groups": ", ".join(group.name for group in small)},
        )
    else:
        base_url = request.build_absolute_uri("/").rstrip("/")
        try:
            count = do_queue_mailing(round_, reminder, base_url)
        except MailingRefused as refused:
            if refused.reason == "pending":
                messages.info(request, _("These e-mails are already waiting to be sent; they will go out shortly."))
            else:
                messages.info(
                    request,
                    _(
                        "A reminder has already been sent today; nobody gets two in one day. You can remind again "
                        "tomorrow."
                    ),
                )
            return redirect("invitation_list", membership.organisation.uuid, round_.uuid)
        if reminder:
            text = ngettext(
                "A reminder will be sent shortly to whoever of the %(count)d e-mailed address has not answered yet.",
                "A reminder will be sent shortly to whoever of the %(count)d e-mailed addresses has not answered yet.",
                count,
            )
            empty = _("There is nobody to remind: nobody has been e-mailed yet.")
        else:
            text = ngettext(
                "An invitation to %(count)d address will be sent shortly.",
                "Invitations to %(count)d addresses will be sent shortly.",
                count,
            )
            empty = _("There are no new invitations to send.")
        if count:
            messages.success(request, text % {"count": count})
        else:
            messages.info(request, empty)
    return redirect("invitation_list", membership.organisation.uuid, round_.uuid)


@login_required
@require_POST
def invitation_send(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    return _queue_mailing(request, org_uuid, round_uuid, reminder=False)


@login_required
@require_POST
def invitation_remind(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    return _queue_mailing(request, org_uuid, round_uuid, reminder=True)
