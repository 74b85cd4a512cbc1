"""Background work of organisations, run by `cjgscan worker`: the e-mails to new and added members."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from cjgscan.lib.tokens import new_token
from cjgscan.organisations.members import issue_token
from cjgscan.organisations.models import MemberInvitation, Membership

logger = logging.getLogger(__name__)


def compose(template: str, context: dict[str, Any], to: str) -> EmailMessage:
    """Dutch first, then English, in one message: the worker does not know which language the reader prefers."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"organisations/emails/{template}_subject.txt", context).split())
    languages = sorted((code for code, _name in settings.LANGUAGES), key=lambda c: c != settings.LANGUAGE_CODE)
    bodies = []
    for code in languages:
        with translation.override(code):
            bodies.append(render_to_string(f"organisations/emails/{template}_body.txt", context).strip())
    return EmailMessage(subject, "\n\n-----\n\n".join(bodies) + "\n", to=[to])


@task()
def send_member_invitation(invitation_id: int, base_url: str) -> bool:
    """The link to set a password. The token is made here and only its hash stored, so neither the request nor the
    task queue ever holds it."""
    invitation = MemberInvitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return False
    token = new_token()
    issue_token(invitation, token)
    context = {
        "organisation": invitation.organisation,
        "invitation": invitation,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "link": f"{base_url}/uitnodiging/{token}/",
        "days": settings.MEMBER_INVITATION_DAYS,
    }
    compose("member_invitation", context, invitation.email).send()
    return True


@task()
def send_membership_notice(membership_id: int, base_url: str) -> bool:
    """Someone with an account was added to one more organisation: a note with the link, no password."""
    membership = Membership.objects.select_related("organisation", "user").filter(pk=membership_id).first()
    if membership is None:
        return False
    context = {
        "organisation": membership.organisation,
        "membership": membership,
        "link": f"{base_url}/o/{membership.organisation.uuid}/",
    }
    compose("membership_notice", context, membership.user.email).send()
    return True
