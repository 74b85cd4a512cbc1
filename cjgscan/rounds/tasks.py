"""Background work of rounds, run by `cjgscan worker` (django-tasks, database backend)."""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
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


def deliver(message: EmailMessage, connection: Any) -> bool:
    """Send one e-mail over the open connection; False when the mail server refuses it. The log line names no
    invitation: for a reminder even that would say this address had not finished."""
    message.connection = connection
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
        logger.warning("An e-mail was not accepted by the mail server: %s", error)
        return False
    return True


@task()
def send_invitations(round_id: int, invitation_ids: list[int], reminder: bool, base_url: str) -> dict[str, int]:
    """E-mail the first invitations over one SMTP connection; a refused address does not stop the others.

    Each invitation is claimed before its e-mail goes out, by one UPDATE that only the first worker can make
    (send_count 0 → 1): two workers, or a mailing queued twice, never send anyone two first invitations. A refused
    address gives its claim back, so a later mailing tries it again. Reminders are not sent here but per round
    (`send_reminder`); `reminder` is kept for tasks queued before that, and sends nothing.
    """
    round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
    if reminder or round_ is None or not can_send(round_):
        logger.info("Round %s is not open for sending; %d e-mails not sent.", round_id, len(invitation_ids))
        return {"sent": 0, "failed": 0}
    wanted = set(invitation_ids)
    invitations = [inv for inv in to_send(round_, reminder=False).order_by("pk") if inv.pk in wanted]
    sent = failed = 0
    today = timezone.localdate()
    with get_connection() as connection:
        for invitation in invitations:
            claimed = Invitation.objects.filter(pk=invitation.pk, send_count=0).update(send_count=1, last_sent_on=today)
            if not claimed:
                continue  # another worker has it
            if deliver(compose_invitation(round_, invitation, False, base_url), connection):
                sent += 1
            else:
                failed += 1
                Invitation.objects.filter(pk=invitation.pk).update(send_count=0, last_sent_on=None)
    logger.info("Round %s: %d e-mails sent, %d refused.", round_id, sent, failed)
    return {"sent": sent, "failed": failed}


@task()
def send_reminder(mailing_id: int, base_url: str) -> dict[str, int]:
    """Send one reminder mailing of a round (queued by `do_queue_mailing`) to whoever was e-mailed and has not
    finished.

    The mailing is claimed first (queued → sending, one UPDATE that one worker wins), so two workers or a task run
    twice never send it twice. Who has finished is worked out here, with the secret key, and never stored; nothing
    is written per address, because "reminded on day D" would tell a reader of the database who had not finished
    by then (docs/invitations.md). The mailing row gets only the day and the number of e-mails.
    """
    claimed = ReminderMailing.objects.filter(pk=mailing_id, status=ReminderMailing.Status.QUEUED).update(
        status=ReminderMailing.Status.SENDING
    )
    mailing = ReminderMailing.objects.select_related("round__organisation").filter(pk=mailing_id).first()
    if not claimed or mailing is None:
        logger.info("Reminder mailing %s was already taken by another worker.", mailing_id)
        return {"sent": 0, "failed": 0}
    round_ = mailing.round
    sent = failed = 0
    if can_send(round_):
        invitations = without_finished(round_, list(to_send(round_, reminder=True).order_by("pk")))
        with get_connection() as connection:
            for invitation in invitations:
                if deliver(compose_invitation(round_, invitation, True, base_url), connection):
                    sent += 1
                else:
                    failed += 1
    ReminderMailing.objects.filter(pk=mailing_id).update(
        status=ReminderMailing.Status.SENT, recipient_count=sent, sent_on=timezone.localdate()
    )
    logger.info("Round %s: reminder %d, %d e-mails sent, %d refused.", round_.pk, mailing.number, sent, failed)
    return {"sent": sent, "failed": failed}
