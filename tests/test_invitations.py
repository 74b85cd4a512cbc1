"""Personal invitations: adding addresses, who may do what, progress counts, and e-mail sent by the real worker
through a real SMTP server."""

import datetime
import io
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook  # type: ignore[import-untyped]

from cjgscan.cli import our_commands
from cjgscan.organisations.models import Role
from cjgscan.rounds.invitations import MAX_UPLOAD_BYTES
from cjgscan.rounds.models import Invitation, ReminderMailing, RespondentGroup, Response, Round
from cjgscan.rounds.tasks import send_invitations, send_reminder
from tests.base import BaseTestCase
from tests.dbcopy import invitation_rows
from tests.factories import make_membership, make_organisation, make_round, make_user
from tests.respondents import start
from tests.smtp import Inbox, body, free_port

LINK = re.compile(r"http://testserver/r/([A-Za-z0-9_=-]+)/")


def invite(round_: Round, group: RespondentGroup, *emails: str, **fields: Any) -> list[Invitation]:
    return [Invitation.objects.create(round=round_, group=group, email=email, **fields) for email in emails]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class InvitationPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, min_group_size=3)
        cls.groups = list(cls.round.groups.all())
        cls.other_round = make_round(cls.org_b)

    def url(self, name: str, *extra: Any, round_: Round | None = None) -> str:
        round_ = round_ or self.round
        return reverse(name, args=[round_.organisation.uuid, round_.uuid, *extra])

    def add(self, **data: Any):  # type: ignore[no-untyped-def]
        data.setdefault("group", str(self.groups[0].uuid))
        return self.client.post(self.url("invitation_add"), data)

    def emails(self, group: RespondentGroup | None = None) -> list[str]:
        invitations = self.round.invitations.order_by("email")
        if group:
            invitations = invitations.filter(group=group)
        return list(invitations.values_list("email", flat=True))

    def messages(self, response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
        return [(m.level_tag, str(m)) for m in response.context["messages"]]

    # Adding addresses

    def test_paste_adds_normalised_addresses_and_skips_those_already_invited(self) -> None:
        self.client.force_login(self.carol)
        text = "Anna@Example.NL, bert@example.nl;cees@example.nl\n\n  dirk@example.nl  bert@example.nl\r\n"
        response = self.add(addresses=text)
        self.assertRedirects(response, self.url("invitation_list"), fetch_redirect_response=False)
        self.assertEqual(
            self.emails(self.groups[0]), ["anna@example.nl", "bert@example.nl", "cees@example.nl", "dirk@example.nl"]
        )
        for invitation in self.round.invitations.all():
            self.assertEqual(invitation.token_hash, Invitation.hash_token(invitation.token()))
            self.assertEqual(invitation.send_count, 0)
        # Already invited in this round (in any group): skipped and reported, the new one added.
        response = self.client.post(
            self.url("invitation_add"),
            {"group": str(self.groups[1].uuid), "addresses": "ANNA@example.nl\neva@example.nl"},
            follow=True,
        )
        self.assertEqual(self.emails(self.groups[1]), ["eva@example.nl"])
        self.assertEqual(self.round.invitations.count(), 5)
        levels = dict(self.messages(response))
        self.assertIn("anna@example.nl", levels["warning"])
        self.assertIn("success", levels)

    def test_one_invalid_address_adds_nothing_and_every_bad_line_is_named(self) -> None:
        self.client.force_login(self.alice)
        text = "goed@example.nl\nfout@\ngoed2@example.nl\ngeen adres\n\nook,fout@@example.nl"
        response = self.add(addresses=text)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.round.invitations.count(), 0)
        [error] = response.context["form"].errors["addresses"]
        self.assertIn("2", error)
        self.assertIn("4", error)
        self.assertIn("6", error)
        self.assertNotRegex(error, r"\b[135]\b")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, 'id="id_addresses_error"')
        self.assertContains(response, "id_addresses_error id_addresses_help")

    def test_group_of_another_round_or_no_input_is_refused(self) -> None:
        self.client.force_login(self.alice)
        other_group = self.other_round.groups.first()
        assert other_group is not None
        response = self.add(group=str(other_group.uuid), addresses="a@example.nl")
        self.assertEqual(response.status_code, 200)
        self.assertIn("group", response.context["form"].errors)
        response = self.add(addresses="  \n ")
        self.assertIn("addresses", response.context["form"].errors)
        self.assertEqual(Invitation.objects.count(), 0)

    def test_csv_upload_with_a_named_column_in_excel_style(self) -> None:
        self.client.force_login(self.alice)
        content = "Naam;E-mailadres\r\nJosé;jose@example.nl\r\nKim;KIM@example.nl\r\n;\r\n".encode("cp1252")
        response = self.add(file=SimpleUploadedFile("lijst.csv", content, "text/csv"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.emails(), ["jose@example.nl", "kim@example.nl"])

    def test_csv_upload_without_header_takes_the_first_column(self) -> None:
        self.client.force_login(self.alice)
        content = b"an@example.nl,An\nbo@example.nl,Bo\n"
        self.assertEqual(self.add(file=SimpleUploadedFile("lijst.csv", content)).status_code, 302)
        self.assertEqual(self.emails(), ["an@example.nl", "bo@example.nl"])

    def test_xlsx_upload_with_and_without_header(self) -> None:
        self.client.force_login(self.alice)
        content = xlsx([["Naam", "e-mail"], ["Piet", "piet@example.nl"], ["Leeg", None], ["Joke", " joke@example.nl "]])
        response = self.add(file=SimpleUploadedFile("lijst.xlsx", content))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.emails(), ["joke@example.nl", "piet@example.nl"])
        content = xlsx([["zus@example.nl"], ["broer@example.nl"], ["piet@example.nl"]])
        response = self.add(group=str(self.groups[2].uuid), file=SimpleUploadedFile("lijst.xlsx", content))
        self.assertEqual(self.emails(self.groups[2]), ["broer@example.nl", "zus@example.nl"])

    def test_xlsx_with_an_invalid_row_adds_nothing_and_names_the_row(self) -> None:
        self.client.force_login(self.alice)
        content = xlsx([["email"], ["a@example.nl"], ["kapot"], ["b@example.nl"]])
        response = self.add(file=SimpleUploadedFile("lijst.xlsx", content))
        self.assertEqual(response.status_code, 200)
        [error] = response.context["form"].errors["file"]
        self.assertRegex(error, r"\b3\b")
        self.assertEqual(self.round.invitations.count(), 0)

    def test_oversized_garbage_and_unknown_files_are_refused_and_add_nothing(self) -> None:
        self.client.force_login(self.alice)
        files = [
            SimpleUploadedFile("groot.csv", b"a@example.nl\n" * (MAX_UPLOAD_BYTES // 13 + 1)),
            SimpleUploadedFile("kapot.xlsx", b"PK\x03\x04" + bytes(range(256)) * 20),
            SimpleUploadedFile("nep.xlsx", b"a@example.nl\n"),
            SimpleUploadedFile("binair.csv", bytes(range(256)) * 20),
            SimpleUploadedFile("lijst.pdf", b"%PDF-1.4 a@example.nl"),
            SimpleUploadedFile("leeg.csv", b""),
        ]
        for upload in files:
            with self.subTest(upload.name):
                response = self.add(file=upload)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors["file"])
        self.assertEqual(Invitation.objects.count(), 0)

    def test_more_than_5000_addresses_are_refused(self) -> None:
        self.client.force_login(self.alice)
        text = "\n".join(f"persoon{n}@example.nl" for n in range(5001))
        response = self.add(addresses=text)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["addresses"])
        self.assertEqual(Invitation.objects.count(), 0)

    # Removing

    def test_removing_says_the_same_whether_or_not_the_link_was_used(self) -> None:
        """Finding 3: removal was refused for a used link, which told the coordinator who took part."""
        unused, started, answered = invite(self.round, self.groups[0], "a@example.nl", "b@example.nl", "c@example.nl")
        for invitation, submit in ((started, False), (answered, True)):
            respondent = Client()
            start(respondent, invitation.token())
            if submit:
                respondent.post(reverse("respondent_submit", args=[self.round.uuid]))
        self.client.force_login(self.carol)
        replies = []
        for invitation in (unused, started, answered):
            reply = self.client.post(self.url("invitation_delete", invitation.uuid), follow=True)
            self.assertRedirects(reply, self.url("invitation_list"))
            replies.append([(level, text.replace(invitation.email, "ADDRESS")) for level, text in self.messages(reply)])
        self.assertEqual(replies, [[("success", "ADDRESS is verwijderd.")]] * 3)
        self.assertEqual(self.emails(), [])
        # The responses are anonymous: they stay, and keep counting for the round.
        self.assertEqual(Response.objects.filter(round=self.round).count(), 2)
        self.assertEqual(Response.objects.submitted().filter(round=self.round).count(), 1)
        self.assertEqual(self.client.get(self.url("invitation_delete", unused.uuid)).status_code, 405)

    def test_invitation_of_another_round_cannot_be_removed_through_this_one(self) -> None:
        [elsewhere] = invite(self.other_round, self.other_round.groups.get(position=0), "x@example.nl")
        self.client.force_login(self.carol)  # a member of both organisations
        self.assertEqual(self.client.post(self.url("invitation_delete", elsewhere.uuid)).status_code, 404)
        self.assertTrue(Invitation.objects.filter(pk=elsewhere.pk).exists())

    # The page

    def test_counts_per_group_and_answers_for_the_round_only(self) -> None:
        first, second = self.groups[0], self.groups[1]
        invite(self.round, first, "a1@example.nl", "a2@example.nl", "a3@example.nl", send_count=1)
        [a4] = invite(self.round, first, "a4@example.nl")
        [b1] = invite(self.round, second, "b1@example.nl", send_count=1)
        invite(self.round, second, "b2@example.nl")
        invite(self.other_round, self.other_round.groups.get(position=0), "a1@example.nl")
        respondent = Client()
        start(respondent, b1.token())
        respondent.post(reverse("respondent_submit", args=[self.round.uuid]))
        start(Client(), a4.token())
        self.client.force_login(self.bob)
        self.client.get(self.url("invitation_list"))  # the first visit remembers the organisation
        # session, user, membership, round, groups with their counts, addresses, responses by channel,
        # invitations, reminders
        with self.assertNumQueries(10):
            response = self.client.get(self.url("invitation_list"))
        counts = {group.name: (group.invited, group.emailed) for group in response.context["groups"]}
        self.assertEqual(counts[first.name], (4, 3))
        self.assertEqual(counts[second.name], (2, 1))
        self.assertEqual(sum(counts[g.name][0] for g in self.groups[2:]), 0)
        self.assertEqual(response.context["totals"], {"invited": 6, "emailed": 4})
        self.assertEqual((response.context["personal"].answered, response.context["personal"].in_progress), (1, 1))
        html = response.content.decode()
        row = re.search(rf'data-group="{first.uuid}">(.*?)</tr>', html, re.S)
        assert row is not None
        self.assertEqual(re.findall(r'data-count="\w+">(\d+)<', row[1]), ["4", "3"])
        # Nothing per group or per address tells who answered or started.
        self.assertNotContains(response, "Begonnen")
        self.assertContains(response, "1 persoon via een persoonlijke link geantwoord")
        for email in ("a1", "a2", "a3", "a4", "b1", "b2"):
            self.assertContains(response, f"{email}@example.nl", count=1)
        # A reader sees no forms at all.
        self.assertNotContains(response, '<form method="post" action="/o/')
        self.assertNotContains(response, 'name="addresses"')

    def test_writers_see_a_remove_button_for_every_address(self) -> None:
        invite(self.round, self.groups[0], "a@example.nl", "b@example.nl")
        invite(self.round, self.groups[1], "c@example.nl")
        self.client.force_login(self.alice)
        self.client.get(self.url("invitation_list"))
        with self.assertNumQueries(12):  # a reader's 10, and the worker's state of the round's mailings (2)
            response = self.client.get(self.url("invitation_list"))
        self.assertContains(response, "/verwijderen/", count=3)
        for name in ("addresses", "file", "group"):
            self.assertContains(response, f'name="{name}"')
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, self.url("invitation_send"))
        self.assertContains(response, self.url("invitation_remind"))

    def test_query_count_does_not_grow_with_addresses(self) -> None:
        for n, group in enumerate(self.groups):
            invite(self.round, group, *(f"p{n}-{i}@example.nl" for i in range(20)))
        self.client.force_login(self.alice)
        self.client.get(self.url("invitation_list"))
        with self.assertNumQueries(12):
            self.client.get(self.url("invitation_list"))

    def test_panel_links_to_the_list(self) -> None:
        from django.template.loader import render_to_string

        membership = self.alice.memberships.get(organisation=self.org_a)  # type: ignore[attr-defined]
        html = render_to_string(
            "rounds/_invitations_panel.html",
            {"organisation": self.org_a, "round": self.round, "membership": membership},
        )
        self.assertIn(f'href="{self.url("invitation_list")}"', html)

    # Who may do what

    def post_urls(self, round_: Round | None = None) -> list[str]:
        [invitation] = invite(round_ or self.round, (round_ or self.round).groups.all()[0], "x@example.nl")
        return [
            self.url("invitation_add", round_=round_),
            self.url("invitation_send", round_=round_),
            self.url("invitation_remind", round_=round_),
            self.url("invitation_delete", invitation.uuid, round_=round_),
        ]

    def test_reader_gets_403_on_every_write(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url("invitation_list")).status_code, 200)
        for url in self.post_urls():
            with self.subTest(url):
                response = self.client.post(url, {"group": str(self.groups[0].uuid), "addresses": "y@example.nl"})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.emails(), ["x@example.nl"])
        self.assertEqual(DBTaskResult.objects.count(), 0)

    def test_outsider_gets_404_on_every_url(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.url("invitation_list")).status_code, 404)
        for url in self.post_urls():
            with self.subTest(url):
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.emails(), ["x@example.nl"])

    def test_a_round_of_another_organisation_is_404(self) -> None:
        self.client.force_login(self.alice)
        mixed = reverse("invitation_list", args=[self.org_a.uuid, self.other_round.uuid])
        self.assertEqual(self.client.get(mixed).status_code, 404)
        for url in self.post_urls(self.other_round):
            with self.subTest(url):
                self.assertEqual(self.client.post(url).status_code, 404)
        # Carol may write in both, but not through the wrong organisation.
        self.client.force_login(self.carol)
        mixed = reverse("invitation_send", args=[self.org_a.uuid, self.other_round.uuid])
        self.assertEqual(self.client.post(mixed).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url("invitation_list"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("login")))

    # Queueing

    def queued(self) -> list[dict[str, Any]]:
        return [task.args_kwargs for task in DBTaskResult.objects.order_by("enqueued_at")]

    def test_send_queues_the_never_sent_after_the_commit_and_only_once(self) -> None:
        new = invite(self.round, self.groups[0], "a@example.nl", "b@example.nl")
        invite(self.round, self.groups[0], "c@example.nl", send_count=1)
        new += invite(self.round, self.groups[1], "d@example.nl", "e@example.nl", "f@example.nl")
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.client.post(self.url("invitation_send"), follow=True)
        self.assertEqual(len(callbacks), 1)
        self.assertEqual([level for level, _text in self.messages(response)], ["success"])
        [task] = self.queued()
        self.assertEqual(task["args"], [self.round.pk, sorted(i.pk for i in new), False, "http://testserver"])
        # A second click while the first mailing waits queues nothing more.
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("invitation_send"), follow=True)
        self.assertEqual([level for level, _text in self.messages(response)], ["info"])
        self.assertEqual(len(self.queued()), 1)
        # A reminder is another kind of mailing: one ReminderMailing row of the round, and the queued task names
        # only that row (the worker works out who is due), so it says nothing about anyone's answers.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("invitation_remind"))
        self.assertEqual(len(self.queued()), 2)
        [mailing] = ReminderMailing.objects.filter(round=self.round)
        self.assertEqual(mailing.status, ReminderMailing.Status.QUEUED)
        self.assertEqual(self.queued()[1]["args"], [mailing.pk, "http://testserver"])

    def test_a_group_with_fewer_invitations_than_the_minimum_gets_none(self) -> None:
        """Item 6: a personal response is one of its group's invited addresses; fewer than the minimum of them
        would narrow it down below what the round promises."""
        Round.objects.filter(pk=self.round.pk).update(min_group_size=5)
        invite(self.round, self.groups[0], *(f"p{n}@example.nl" for n in range(5)))
        invite(self.round, self.groups[1], "q0@example.nl", "q1@example.nl")
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("invitation_send"), follow=True)
        [(level, text)] = self.messages(response)
        self.assertEqual(level, "error")
        self.assertIn("minimaal 5 persoonlijke uitnodigingen", text)
        self.assertIn(self.groups[1].name, text)
        self.assertNotIn(self.groups[0].name, text)
        self.assertIn("groepslink", text)
        self.assertEqual(self.queued(), [])
        # Three more addresses, and the mailing goes out to both groups.
        invite(self.round, self.groups[1], "q2@example.nl", "q3@example.nl", "q4@example.nl")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("invitation_send"), follow=True)
        self.assertEqual([level for level, _text in self.messages(response)], ["success"])
        self.assertEqual(len(self.queued()[0]["args"][1]), 10)

    def test_nothing_is_queued_for_a_draft_or_closed_round(self) -> None:
        invite(self.round, self.groups[0], "a@example.nl")
        self.client.force_login(self.alice)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        for status, closes_on in [
            (Round.Status.DRAFT, self.round.closes_on),
            (Round.Status.CLOSED, self.round.closes_on),
            (Round.Status.OPEN, yesterday),
        ]:
            Round.objects.filter(pk=self.round.pk).update(
                status=status, closes_on=closes_on, opens_on=yesterday - datetime.timedelta(days=5)
            )
            with self.subTest(status=status, closes_on=closes_on):
                for name in ("invitation_send", "invitation_remind"):
                    with self.captureOnCommitCallbacks(execute=True):
                        response = self.client.post(self.url(name), follow=True)
                    self.assertEqual([level for level, _text in self.messages(response)], ["error"])
                response = self.client.get(self.url("invitation_list"))
                self.assertNotContains(response, self.url("invitation_send"))
        self.assertEqual(self.queued(), [])

    def test_nobody_to_send_to_queues_nothing(self) -> None:
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("invitation_send"), follow=True)
            response = self.client.post(self.url("invitation_remind"), follow=True)
        self.assertEqual([level for level, _text in self.messages(response)], ["info"])
        self.assertEqual(self.queued(), [])

    # The task itself, without the worker

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def test_the_task_sends_once_and_not_to_rounds_no_longer_open(self) -> None:
        waiting, other = invite(self.round, self.groups[0], "a@example.nl", "b@example.nl")
        ids = [waiting.pk]
        self.assertEqual(
            send_invitations.call(self.round.pk, ids, False, "https://cjg.example"), {"sent": 1, "failed": 0}
        )
        [message] = mail.outbox
        self.assertEqual(message.to, ["a@example.nl"])
        self.assertIn(f"https://cjg.example/r/{waiting.token()}/", message.body)
        # Sent once: the same mailing run again sends nothing.
        self.assertEqual(send_invitations.call(self.round.pk, ids, False, "https://cjg.example")["sent"], 0)
        waiting.refresh_from_db()
        self.assertEqual((waiting.send_count, waiting.last_sent_on), (1, timezone.localdate()))
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.CLOSED)
        self.assertEqual(send_invitations.call(self.round.pk, ids, True, "https://cjg.example")["sent"], 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertFalse(ReminderMailing.objects.exists())

    def test_worker_command_is_listed_with_one_line_of_help(self) -> None:
        self.assertEqual(
            our_commands()["worker"],
            "Run the background worker: it sends the e-mails and makes the PDF reports, printable questionnaires and "
            "answer exports.",
        )


# The real worker, through a real SMTP server. The worker manages its own transactions and connections, so
# these tests commit for real.


class RefusingInbox(Inbox):
    """Refuses the addresses it is told to, as a mail server does for an unknown mailbox."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Iterator[RefusingInbox]:  # type: ignore[no-untyped-def]
    inbox = RefusingInbox(set())
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()


@contextmanager
def keep_signal_handlers() -> Iterator[None]:
    """The worker installs its own handlers for Ctrl+C and friends; give them back to pytest afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_worker() -> None:
    with keep_signal_handlers():
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def coordinator_client(client: Client) -> tuple[Client, Round]:
    user = make_user("Coby")
    organisation = make_organisation("CJG Mailstad")
    make_membership(user, organisation, Role.COORDINATOR)
    client.force_login(user)
    return client, make_round(organisation, min_group_size=3)


def post(client: Client, name: str, round_: Round, data: dict[str, Any] | None = None) -> None:
    url = reverse(name, args=[round_.organisation.uuid, round_.uuid])
    assert client.post(url, data or {}).status_code == 302


def tokens_by_address(inbox: Inbox) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in inbox.messages:
        links = LINK.findall(body(message))
        assert len(set(links)) == 1, body(message)
        found.setdefault(message["X-Envelope-To"], []).append(links[0])
    return found


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_invitation_once_then_reminds_only_the_unfinished(
    coordinator_client: tuple[Client, Round], smtp: RefusingInbox
) -> None:
    client, round_ = coordinator_client
    group = round_.groups.all()[0]
    addresses = ["anna@example.nl", "bert@example.nl", "cees@example.nl"]
    post(client, "invitation_add", round_, {"group": str(group.uuid), "addresses": "\n".join(addresses)})
    post(client, "invitation_send", round_)
    post(client, "invitation_send", round_)  # an impatient second click
    run_worker()
    first = tokens_by_address(smtp)
    assert sorted(first) == addresses
    for email, [token] in first.items():
        invitation = Invitation.objects.get(email=email)
        assert Invitation.hash_token(token) == invitation.token_hash
        assert (invitation.send_count, invitation.last_sent_on) == (1, timezone.localdate())
    subjects = {str(make_header(decode_header(message["Subject"]))) for message in smtp.messages}
    assert len(subjects) == 1 and round_.title in subjects.pop()
    assert all(round_.organisation.name in body(message) for message in smtp.messages)
    assert DBTaskResult.objects.successful().count() == 1

    # Anna answers and sends, Bert only starts: through their links, as respondents do.
    anna, bert = Client(), Client()
    start(anna, first["anna@example.nl"][0])
    anna.post(reverse("respondent_submit", args=[round_.uuid]))
    start(bert, first["bert@example.nl"][0])
    before = invitation_rows()

    # Sending again reaches nobody; a reminder goes to those who have not finished, with the same link.
    smtp.messages.clear()
    post(client, "invitation_send", round_)
    post(client, "invitation_remind", round_)
    run_worker()
    second = tokens_by_address(smtp)
    assert sorted(second) == ["bert@example.nl", "cees@example.nl"]
    for email, tokens in second.items():
        assert tokens == first[email]
    assert all("Heb je al geantwoord? Dan kun je deze e-mail negeren" in body(message) for message in smtp.messages)
    assert "anna" not in " ".join(body(message) for message in smtp.messages)
    # Nothing was written per invitation (not even a lock: xmax on PostgreSQL); the round keeps one line.
    assert invitation_rows() == before
    [reminder] = ReminderMailing.objects.filter(round=round_)
    assert (reminder.number, reminder.sent_on, reminder.recipient_count) == (1, timezone.localdate(), 2)
    # The queued task names only the round's mailing, not the unfinished ones (nor the e-mailed).
    [task] = [task for task in DBTaskResult.objects.all() if task.task_path == send_reminder.module_path]
    assert task.args_kwargs["args"][0] == reminder.pk and len(task.args_kwargs["args"]) == 2

    # Once Bert and Cees have answered too, a second reminder goes to nobody.
    cees = Client()
    start(cees, first["cees@example.nl"][0])
    for respondent in (bert, cees):
        respondent.post(reverse("respondent_submit", args=[round_.uuid]))
    smtp.messages.clear()
    # One reminder a day at most: the next one, a day later.
    ReminderMailing.objects.update(sent_on=timezone.localdate() - datetime.timedelta(days=1))
    post(client, "invitation_remind", round_)
    run_worker()
    assert smtp.messages == []
    assert list(ReminderMailing.objects.filter(round=round_).values_list("number", "recipient_count")) == [
        (1, 2),
        (2, 0),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_does_not_stop_the_others(
    coordinator_client: tuple[Client, Round], smtp: RefusingInbox
) -> None:
    client, round_ = coordinator_client
    group = round_.groups.all()[1]
    addresses = ["een@example.nl", "onbekend@example.nl", "twee@example.nl"]
    smtp.refused.add("onbekend@example.nl")
    post(client, "invitation_add", round_, {"group": str(group.uuid), "addresses": " ".join(addresses)})
    post(client, "invitation_send", round_)
    run_worker()
    assert sorted(tokens_by_address(smtp)) == ["een@example.nl", "twee@example.nl"]
    sent = dict(Invitation.objects.values_list("email", "send_count"))
    assert sent == {"een@example.nl": 1, "onbekend@example.nl": 0, "twee@example.nl": 1}
    [task] = DBTaskResult.objects.successful()
    assert task.return_value == {"sent": 2, "failed": 1}
    # Once the mailbox exists, sending again reaches it alone.
    smtp.refused.clear()
    smtp.messages.clear()
    post(client, "invitation_send", round_)
    run_worker()
    assert list(tokens_by_address(smtp)) == ["onbekend@example.nl"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_is_accessible_with_a_list_and_with_errors(page) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD, load_builtin_instruments

    load_builtin_instruments()
    user = make_user("Coby")
    organisation = make_organisation("CJG Toegankelijk")
    make_membership(user, organisation, Role.COORDINATOR)
    round_ = make_round(organisation)
    invite(round_, round_.groups.all()[0], "a@example.nl", "b@example.nl")
    page.visit("/inloggen/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))
    page.visit(reverse("invitation_list", args=[organisation.uuid, round_.uuid]))
    page.locator("details summary").first.click()
    page.check_accessibility()
    page.select_option("#id_group", index=1)
    page.fill("#id_addresses", "goed@example.nl\nfout@")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector("#id_addresses_error")
    page.check_accessibility()
    assert page.get_attribute("#id_addresses", "aria-invalid") == "true"
    assert Invitation.objects.count() == 2
