"""Background work of rounds, run by `cjgscan worker` (django-tasks, database backend)."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from cjgscan.rounds.invitations import can_send, to_send, without_finished
from cjgscan.rounds.models import Invitation, ReminderMailing, Round

logger = logging.getLogger(__name__)


def respondent_link(base_url: str, invitation: Invitation) -> str:
    return f"{base_url}/r/{invitation.token()}/"


def compose_invitation(round_: Round, invitation: Invitation, reminder: bool, base_url: str) -> EmailMessage:
    """The e-mail: who invites, for what, until when, and the personal link. Nothing about any answer."""
    context = {
        "organisation": round_.organisation,
        "round": round_,
        "reminder": reminder,
        "link": respondent_link(base_url, invitation),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("rounds/emails/invitation_subject.txt", context).split())
    # The default language (Dutch) first, then the others, in one message: the worker cannot know whose
    # language the respondent prefers.
    languages = sorted((code for code, _name in settings.LANGUAGES), key=lambda c: c != settings.LANGUAGE_CODE)
    bodies = []
    for code in languages:
        with translation.override(code):
            bodies.append(render_to_string("rounds/emails/invitation_body.txt", context).strip())
    return EmailMessage(subject, "\n\n-----\n\n".join(bodies) + "\n", to=[invitation.email])


@task()
def send_invitations(round_id: int, invitation_ids: list[int], reminder: bool, base_url: str) -> dict[str, int]:
    """E-mail the invitations (or reminders) over one SMTP connection; a refused address does not stop the
    others. Who is due is decided again here, so a mailing queued twice sends a first invitation once.

    A reminder leaves out who has finished (worked out here, with the secret key, and never stored) and is
    recorded once for the round; nothing is written per address, because "reminded on day D" would tell a
    reader of the database who had not finished by then (docs/invitations.md).
    """
    round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
    if round_ is None or not can_send(round_):
        logger.info("Round %s is not open for sending; %d e-mails not sent.", round_id, len(invitation_ids))
        return {"sent": 0, "failed": 0}
    wanted = set(invitation_ids)
    invitations = [inv for inv in to_send(round_, reminder).order_by("pk") if inv.pk in wanted]
    if reminder:
        invitations = without_finished(round_, invitations)
    sent = failed = 0
    today = timezone.localdate()
    with get_connection() as connection:
        for invitation in invitations:
            message = compose_invitation(round_, invitation, reminder, base_url)
            message.connection = connection
            try:
                message.send()
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                failed += 1
                # Not the invitation for a reminder: even a log line would say this address had not finished.
                logger.warning("An e-mail was not accepted by the mail server: %s", error)
                continue
            if not reminder:
                Invitation.objects.filter(pk=invitation.pk).update(send_count=F("send_count") + 1, last_sent_on=today)
            sent += 1
    if reminder:
        record_reminder(round_, sent)
    logger.info("Round %s: %d e-mails sent, %d refused.", round_id, sent, failed)
    return {"sent": sent, "failed": failed}


def record_reminder(round_: Round, recipient_count: int) -> ReminderMailing:
    """One row per reminder of a round, numbered; the lock makes two workers number them apart."""
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        number = ReminderMailing.objects.filter(round=round_).count() + 1
        return ReminderMailing.objects.create(round=round_, number=number, recipient_count=recipient_count)
