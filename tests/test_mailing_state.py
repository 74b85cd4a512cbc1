"""The invitations page tells whether a worker has picked up the queued e-mails (issue 12, item 6)."""

import datetime

from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cjgscan.rounds.invitations import do_add_invitations
from cjgscan.rounds.tasks import send_invitations
from tests.base import BaseTestCase
from tests.factories import make_round


class MailingStateTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, min_group_size=3)
        group = cls.round.groups.first()
        do_add_invitations(cls.round, group, [f"p{n}@voorbeeld.nl" for n in range(3)])

    def page(self) -> str:
        return self.client.get(reverse("invitation_list", args=[self.org_a.uuid, self.round.uuid])).content.decode()

    def test_waiting_then_stalled_then_sent(self) -> None:
        self.client.force_login(self.alice)
        page = self.page()
        self.assertNotIn("data-mailing", page)
        self.assertNotIn("binnen een paar minuten de deur uit", page)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("invitation_send", args=[self.org_a.uuid, self.round.uuid]))
        page = self.page()
        self.assertIn('data-mailing="waiting"', page)
        self.assertNotIn('data-mailing="stalled"', page)
        # No worker for longer than the patience: the page says so, and what to do.
        DBTaskResult.objects.update(enqueued_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=4))
        page = self.page()
        self.assertIn('data-mailing="stalled"', page)
        self.assertIn("cjgscan worker", page)
        # A worker picks it up and runs it, as db_worker does (claim, run, record; the command itself closes the
        # database connection, which a test's transaction cannot survive on PostgreSQL).
        row = DBTaskResult.objects.get()
        row.claim("test-worker")
        row.set_successful(send_invitations.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        self.assertEqual(len(mail.outbox), 3)
        page = self.page()
        self.assertNotIn('data-mailing="stalled"', page)
        self.assertNotIn('data-mailing="waiting"', page)
        self.assertIn('data-mailing="finished"', page)
        self.assertIn(": 3 e-mails.", page)

    def test_a_reader_sees_no_sending_section(self) -> None:
        self.client.force_login(self.bob)
        self.assertNotIn("data-mailing", self.page())

    def test_another_rounds_mailing_does_not_count(self) -> None:
        other = make_round(self.org_a, title="Andere meting", min_group_size=3)
        do_add_invitations(other, other.groups.first(), [f"q{n}@voorbeeld.nl" for n in range(3)])
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("invitation_send", args=[self.org_a.uuid, other.uuid]))
        self.assertNotIn("data-mailing", self.page())
