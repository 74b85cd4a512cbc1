"""Members of an organisation: inviting colleagues, changing roles, removing members, accepting an invitation.

The last administrator (beheerder) can be neither removed nor given another role: an organisation without one
could no longer manage its members.
"""

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cjgscan.organisations.models import MemberInvitation, Membership, Organisation, Role


class LastAdministratorError(Exception):
    """The change would leave the organisation without an administrator."""

    def __init__(self) -> None:
        super().__init__(
            _("An organisation always keeps at least one administrator. Make someone else administrator first.")
        )


def token_hash(token: str) -> str:
    # The token is 192 random bits, so a plain SHA-256 cannot be reversed by guessing; no key needed.
    return hashlib.sha256(token.encode()).hexdigest()


def find_user(email: str) -> Any:
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def do_invite(organisation: Organisation, email: str, role: str, invited_by: Any, base_url: str) -> str:
    """Invite by e-mail. Someone who already has an account becomes a member at once and is told by e-mail (no new
    password); anyone else gets a link to set a password. The e-mail goes out through the worker, after the commit.
    Returns "added", "invited" or "member" (already a member: nothing changes)."""
    from cjgscan.organisations import tasks

    email = email.strip()
    user = find_user(email)
    with transaction.atomic():
        if user is not None:
            membership, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            if not created:
                return "member"
            transaction.on_commit(lambda: tasks.send_membership_notice.enqueue(membership.pk, base_url))
            return "added"
        # A second invitation to the same address replaces the first, so that only the newest link works.
        MemberInvitation.objects.filter(organisation=organisation, email__iexact=email, accepted_at=None).delete()
        invitation = MemberInvitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=invited_by
        )
        transaction.on_commit(lambda: tasks.send_member_invitation.enqueue(invitation.pk, base_url))
    return "invited"


def issue_token(invitation: MemberInvitation, token: str) -> None:
    """Called by the worker just before it sends the link: the link is valid from now for the set number of days."""
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=settings.MEMBER_INVITATION_DAYS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])


def invitation_for_token(token: str) -> tuple[MemberInvitation | None, str]:
    """The invitation and its state: "valid", "used", "expired" or "unknown"."""
    invitation = (
        MemberInvitation.objects.select_related("organisation").filter(token_hash=token_hash(token)).first()
        if token
        else None
    )
    if invitation is None:
        return None, "unknown"
    if invitation.accepted_at is not None:
        return invitation, "used"
    if invitation.expires_at is None or invitation.expires_at <= timezone.now():
        return invitation, "expired"
    return invitation, "valid"


def do_accept_invitation(invitation: MemberInvitation, first_name: str, last_name: str, password: str) -> Any:
    """A new account with the chosen password and the invited role. Locked, so that a link clicked twice at the same
    moment makes one account; None when the link was used (or an account made) in the meantime."""
    User = get_user_model()
    with transaction.atomic():
        locked = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or User.objects.filter(email__iexact=locked.email).exists():
            return None
        user = User.objects.create_user(
            username=locked.email, email=locked.email, password=password, first_name=first_name, last_name=last_name
        )
        Membership.objects.create(user=user, organisation=locked.organisation, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return user


def _keeps_an_administrator(membership: Membership) -> None:
    """Raise unless another administrator stays. The organisation's administrators are locked first, so that two
    administrators who remove each other at the same moment cannot both succeed."""
    administrators = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.BEHEERDER)
        .values_list("pk", flat=True)
    )
    if membership.pk in administrators and len(administrators) == 1:
        raise LastAdministratorError


def do_change_role(membership: Membership, role: str) -> None:
    with transaction.atomic():
        if role != Role.BEHEERDER:
            _keeps_an_administrator(membership)
        Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role


def do_remove_member(membership: Membership) -> None:
    with transaction.atomic():
        _keeps_an_administrator(membership)
        Membership.objects.filter(pk=membership.pk).delete()
