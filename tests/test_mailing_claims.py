"""Mailings are idempotent (issue 13, item 6): two clicks on "herinneren", or two workers, never send anyone two
reminders or two first invitations. A reminder is claimed as one ReminderMailing row of the round (nothing per
address: that would tell who had not answered); a first invitation is claimed per invitation."""

import asyncio
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cjgscan.organisations.models import Role
from cjgscan.rounds.models import Invitation, ReminderMailing
from cjgscan.rounds.tasks import send_reminder
from tests.factories import make_membership, make_organisation, make_round, make_user
from tests.served import ROOT, app_env, manage, prepare
from tests.smtp import Inbox, free_port
from tests.test_faults import collected_static, served_database  # noqa: F401 (fixtures)
from tests.test_invitations import run_worker


class SlowInbox(Inbox):
    """Takes a moment per message, as a real mail server does, so that two workers overlap."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        await asyncio.sleep(0.25)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def slow_smtp() -> Iterator[tuple[SlowInbox, int]]:
    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def two_workers(env: dict[str, str]) -> None:
    """Two `cjgscan worker` processes at once, each until the queue is empty."""
    args = [sys.executable, "-m", "cjgscan.cli", "worker", "--batch", "--no-startup-delay", "--no-reload", "-v0"]
    workers = [
        subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output.decode()


QUEUE = """
import sys
from cjgscan.rounds.invitations import MailingRefused, do_queue_mailing
from cjgscan.rounds.models import Round
from cjgscan.rounds.tasks import send_invitations, send_reminder
round_ = Round.objects.get(pk={round_id})
base = "http://cjg.example"
if "{kind}" == "first":
    ids = list(round_.invitations.values_list("pk", flat=True))
    # As if two mailings had been queued: both name every invitation.
    send_invitations.enqueue(round_.pk, ids, False, base)
    send_invitations.enqueue(round_.pk, ids, False, base)
else:
    print(do_queue_mailing(round_, True, base))
    mailing = round_.reminder_mailings.get()
    send_reminder.enqueue(mailing.pk, base)  # the same mailing queued twice (a task run again)
    for _click in range(2):
        try:
            do_queue_mailing(round_, True, base)
        except MailingRefused as refused:
            print(refused.reason)
"""


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_anyone_two_mails(served_database: tuple[Path, str]) -> None:  # noqa: F811
    data_dir, url = served_database
    with slow_smtp() as (inbox, port):
        env = app_env(data_dir, url, EMAIL_URL=f"smtp://127.0.0.1:{port}")
        seeded = prepare(env, respondents=6)
        addresses = [f"r{n}@example.nl" for n in range(6)]

        manage(env, "shell", "-v0", "-c", QUEUE.format(round_id=seeded["round_id"], kind="first"))
        two_workers(env)
        first = Counter(message["X-Envelope-To"] for message in inbox.messages)
        assert first == Counter(addresses)  # everyone once, not twice

        inbox.messages.clear()
        out = manage(env, "shell", "-v0", "-c", QUEUE.format(round_id=seeded["round_id"], kind="reminder"))
        # The first click queues for 6; a second one while it waits is refused, and so is one the same day.
        assert out.split() == ["6", "pending", "pending"]
        two_workers(env)
        reminded = Counter(message["X-Envelope-To"] for message in inbox.messages)
        assert reminded == Counter(addresses)
        env_db = app_env(data_dir, url)
        rows = manage(
            env_db,
            "shell",
            "-v0",
            "-c",
            "from cjgscan.rounds.models import ReminderMailing as R; "
            "print(list(R.objects.values_list('number', 'status', 'recipient_count')))",
        )
        assert rows.strip() == "[(1, 'sent', 6)]"


def nl(msgid: str) -> str:
    with translation.override("nl"):
        return gettext(msgid)


@pytest.fixture
def coordinator(client: Client) -> tuple[Client, Any]:
    user = make_user("Coby")
    organisation = make_organisation("CJG Mailstad")
    make_membership(user, organisation, Role.COORDINATOR)
    client.force_login(user)
    round_ = make_round(organisation, min_group_size=3)
    group = round_.groups.first()
    for n in range(3):
        Invitation.objects.create(round=round_, group=group, email=f"p{n}@example.nl", send_count=1)
    return client, round_


def click_remind(client: Client, round_: Any) -> list[str]:
    url = reverse("invitation_remind", args=[round_.organisation.uuid, round_.uuid])
    response = client.post(url, follow=True)
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db(transaction=True)
def test_a_second_click_says_in_dutch_that_the_reminder_waits_or_went_out_today(
    coordinator: tuple[Client, Any], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    client, round_ = coordinator
    assert "herinnering" in click_remind(client, round_)[0]
    assert click_remind(client, round_) == [
        nl("These e-mails are already waiting to be sent; they will go out shortly.")
    ]
    assert ReminderMailing.objects.get().status == ReminderMailing.Status.QUEUED
    run_worker()
    assert sorted(message.to[0] for message in mail.outbox) == ["p0@example.nl", "p1@example.nl", "p2@example.nl"]
    [refusal] = click_remind(client, round_)
    assert refusal == nl(
        "A reminder has already been sent today; nobody gets two in one day. You can remind again tomorrow."
    )
    assert "vandaag al een herinnering" in refusal
    # The same mailing run again (a second worker, a retried task) sends nothing more.
    mailing = ReminderMailing.objects.get()
    assert send_reminder.call(mailing.pk, "http://cjg.example") == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 3
    # Nothing was recorded per address; the round has one line: sent, to 3.
    assert set(Invitation.objects.values_list("send_count", "last_sent_on")) == {(1, None)}
    mailing.refresh_from_db()
    assert (mailing.number, mailing.status, mailing.recipient_count) == (1, ReminderMailing.Status.SENT, 3)
