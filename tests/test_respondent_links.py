"""How a respondent gets in: a link opens a page and changes nothing, a button starts, every link resumes, short
codes for group links, resume codes for another device, and no flooding of a group through its link."""

import datetime
import re
from typing import Any

from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from cjgscan.lib import codes
from cjgscan.rounds import paper
from cjgscan.rounds.models import Answer, Response, Round
from tests.base import BaseTestCase
from tests.factories import make_round
from tests.respondents import invite, page_url, start, start_group


def database_snapshot() -> dict[str, list[str]]:
    """Every row of every table (system tables of Django included), as text, sorted: any write shows up."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the schema)
            snapshot[table] = sorted(repr(row) for row in cursor.fetchall())
    return snapshot


class LinksTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a)
        cls.group = cls.round.groups.first()
        cls.invitation, cls.token = invite(cls.round, cls.group)

    def group_url(self, token_or_code: str | None = None) -> str:
        return reverse("respondent_group_start", args=[token_or_code or self.group.link_token()])

    def short_code(self) -> str:
        return codes.formatted(self.group.short_code())


class OpeningALinkChangesNothingTests(LinksTestCase):
    def test_every_respondent_url_opened_with_get_without_a_cookie_changes_no_row(self) -> None:
        """What an e-mail scanner or a chat preview does: open every kind of link, follow redirects, no cookie."""
        _started, started_token = invite(self.round, self.group, "begonnen@example.nl")
        _sent, sent_token = invite(self.round, self.group, "verstuurd@example.nl")
        start(Client(), started_token)
        sender = Client()
        start(sender, sent_token)
        sender.post(reverse("respondent_submit", args=[self.round.uuid]))
        code = self.short_code()
        urls = [
            reverse("respondent_start", args=[self.token]),  # never opened
            reverse("respondent_start", args=[started_token]),  # in progress
            reverse("respondent_start", args=[sent_token]),  # sent
            self.group_url(),
            self.group_url(code),
            self.group_url(code.lower().replace("-", "")),
            f"/g/{code}",  # typed without the slash
            reverse("respondent_resume_code"),
            reverse("respondent_resume", args=[self.round.uuid]),
            page_url(self.round, 1),
            reverse("respondent_done", args=[self.round.uuid]),
        ]
        before = database_snapshot()
        for url in urls:
            for follow in (False, True):
                reply = Client().get(url, follow=follow)
                self.assertLess(reply.status_code, 500, url)
        self.assertEqual(database_snapshot(), before)

    def test_the_landing_page_says_who_asks_why_how_long_and_what_happens_with_the_answers(self) -> None:
        for url in (
            reverse("respondent_start", args=[self.token]),
            self.group_url(),
            self.group_url(self.short_code()),
        ):
            reply = self.client.get(url)
            self.assertEqual(reply.status_code, 200, url)
            self.assertContains(reply, "CJG Aadorp")  # who asks
            self.assertContains(reply, "Meting najaar")  # which round
            self.assertContains(reply, "Zeven sleutels")  # what about
            self.assertContains(reply, "Ongeveer 20 minuten: 51 uitspraken in 7 delen.")
            self.assertContains(reply, "niemand kan zien wat jij hebt geantwoord")
            self.assertContains(reply, "groepen van minstens 5 mensen")
            self.assertContains(reply, f'<form method="post" action="{url}"')
            self.assertContains(reply, "Beginnen met de vragenlijst")
            self.assertContains(reply, 'name="csrfmiddlewaretoken"')
            # A real Origin on the start button's POST (no-referrer would make it "null"), but never the token.
            self.assertEqual(reply.headers["Referrer-Policy"], "strict-origin")
            self.assertIn("no-store", reply.headers["Cache-Control"])
        self.assertContains(self.client.get(reverse("respondent_start", args=[self.token])), "e-mailadres")
        self.assertFalse(Response.objects.exists())

    def test_the_start_button_needs_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        for url in (reverse("respondent_start", args=[self.token]), self.group_url()):
            client.get(url)
            self.assertEqual(client.post(url).status_code, 403)
        self.assertFalse(Response.objects.exists())
        start(client, self.token)  # with the page's token it works
        self.assertEqual(Response.objects.count(), 1)

    def test_the_start_writes_the_response_and_nothing_to_the_invitation(self) -> None:
        invitation_before = database_snapshot()["rounds_invitation"]
        response = start(self.client, self.token)
        self.assertEqual((response.group, response.channel), (self.group, Response.Channel.PERSONAL))
        self.assertEqual(database_snapshot()["rounds_invitation"], invitation_before)
        # Pressing start again (another tab) continues the same response.
        start(self.client, self.token)
        self.assertEqual(Response.objects.count(), 1)

    def test_closed_and_not_yet_open_rounds_keep_their_messages_on_get_and_post(self) -> None:
        urls = [reverse("respondent_start", args=[self.token]), self.group_url(), self.group_url(self.short_code())]
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.CLOSED)
        for url in urls:
            self.assertContains(self.client.get(url), "gesloten", status_code=410)
            self.assertEqual(self.client.post(url).status_code, 410)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.OPEN, opens_on=tomorrow)
        for url in urls:
            self.assertContains(self.client.get(url), "Nog niet open")
            self.assertContains(self.client.post(url), "Nog niet open")
        self.assertFalse(Response.objects.exists())


class GroupLinkResumesTests(LinksTestCase):
    def test_the_cookie_reaches_the_group_link_so_reopening_it_resumes(self) -> None:
        reply = start_group(self.client, self.group.link_token())
        cookie = reply.cookies[f"cjg_{self.round.uuid.hex[:16]}"]
        self.assertEqual(cookie["path"], "/")  # a browser sends it to /g/… too (the test client sends it anyway)
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.client.post(page_url(self.round, 1), {"item-S1.K1": "v3", "nav": "next"})
        for url in (self.group_url(), self.group_url(self.short_code())):
            page = self.client.get(url, follow=True)
            self.assertEqual(page.redirect_chain[-1][0], page_url(self.round, 2))
        self.assertEqual(Response.objects.count(), 1)
        self.assertEqual(Answer.objects.get().value, 3)


class ShortCodeTests(LinksTestCase):
    def test_a_group_code_has_an_unambiguous_alphabet_and_enough_bits(self) -> None:
        self.assertTrue(set(codes.ALPHABET).isdisjoint("01ILOU"))
        self.assertEqual(len(set(codes.ALPHABET)), 30)
        self.assertGreaterEqual(codes.CODE_BITS, 58)
        self.assertRegex(self.short_code(), r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$")
        self.assertNotEqual(self.short_code(), codes.formatted(self.round.groups.all()[1].short_code()))

    def test_the_short_code_works_in_any_case_with_or_without_dashes(self) -> None:
        code = self.short_code()
        for typed in (code, code.lower(), code.replace("-", ""), code.lower().replace("-", "")):
            reply = start_group(Client(), typed)
            self.assertEqual(reply.status_code, 302, typed)
        self.assertEqual(Response.objects.filter(group=self.group).count(), 4)
        # The slash may be left off (as printed on the sheet).
        self.assertRedirects(self.client.get(f"/g/{code}"), f"/g/{code}/", status_code=301)

    def test_the_long_signed_link_keeps_working(self) -> None:
        self.assertEqual(start_group(Client(), self.group.link_token()).status_code, 302)
        self.assertEqual(Response.objects.filter(group=self.group).count(), 1)

    def test_an_unknown_or_malformed_code_gets_404(self) -> None:
        code = self.group.short_code()
        wrong = ("2" if code[0] != "2" else "3") + code[1:]
        for typed in (codes.formatted(wrong), "K7M4-Q2XP", "OOOO-IIII-LLLL", code + "2", "<script>"):
            self.assertContains(self.client.get(f"/g/{typed}/"), "Deze link werkt niet", status_code=404)
        self.assertFalse(Response.objects.exists())

    def test_renewing_the_link_revokes_the_short_code(self) -> None:
        old = self.short_code()
        paper.do_renew_group_link(self.group)
        self.assertEqual(self.client.get(self.group_url(old)).status_code, 404)
        self.assertEqual(self.client.post(self.group_url(old)).status_code, 404)
        new = codes.formatted(self.group.short_code())
        self.assertNotEqual(new, old)
        self.assertEqual(start_group(Client(), new).status_code, 302)

    @override_settings(LINK_FAILURE_LIMIT=5)
    def test_guessing_codes_is_rate_limited_per_address(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.9")
        for n in range(5):
            guess = codes.formatted(codes.ALPHABET[n] * codes.CODE_LENGTH)
            self.assertEqual(client.get(self.group_url(guess)).status_code, 404)
        reply = client.get(self.group_url(self.short_code()))
        self.assertContains(reply, "Te veel pogingen", status_code=429)
        self.assertEqual(Client(REMOTE_ADDR="198.51.100.9").get(self.group_url(self.short_code())).status_code, 200)


class ResumeCodeTests(LinksTestCase):
    def started_in_group(self) -> tuple[Client, str]:
        first = Client()
        start_group(first, self.group.link_token())
        first.post(page_url(self.round, 1), {"item-S1.K1": "v2", "nav": "next"})
        page = first.get(page_url(self.round, 2)).content.decode()
        match = re.search(r'id="resume-code-shown">([2-9A-Z-]+)<', page)
        assert match, page
        return first, match.group(1)

    def test_the_questionnaire_shows_a_resume_code_that_opens_the_same_response_elsewhere(self) -> None:
        first, code = self.started_in_group()
        self.assertRegex(code, r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$")
        self.assertContains(self.client.get(reverse("respondent_resume_code")), 'name="code"')
        other = Client()
        reply = other.post(reverse("respondent_resume_code"), {"code": code.lower().replace("-", " ")})
        self.assertRedirects(reply, reverse("respondent_resume", args=[self.round.uuid]), target_status_code=302)
        self.assertContains(other.get(page_url(self.round, 1)), 'value="v2" checked')
        other.post(page_url(self.round, 2), {"item-S2.K1": "v4", "nav": "next"})
        # The second device showed the same code, and both devices work on one response.
        self.assertContains(other.get(page_url(self.round, 3)), code)
        self.assertEqual(Response.objects.count(), 1)
        self.assertEqual(sorted(Answer.objects.values_list("value", flat=True)), [2, 4])
        self.assertContains(first.get(page_url(self.round, 2)), 'value="v4" checked')
        other.post(reverse("respondent_submit", args=[self.round.uuid]))
        self.assertRedirects(first.get(page_url(self.round, 1)), reverse("respondent_done", args=[self.round.uuid]))

    def test_only_a_keyed_hash_of_the_code_is_stored(self) -> None:
        _first, code = self.started_in_group()
        row = Response.objects.values().get()
        self.assertNotIn(code.replace("-", ""), repr(row))
        self.assertNotIn(code, repr(row))
        self.assertEqual(row["resume_code_hash"], Response.hash_resume_code(code.replace("-", "")))

    def test_personal_links_get_a_code_too_so_it_says_nothing_about_the_way_in(self) -> None:
        start(self.client, self.token)
        self.assertContains(self.client.get(page_url(self.round, 1)), 'id="resume-code-shown"')
        self.assertEqual(Response.objects.filter(resume_code_hash=None).count(), 0)

    def test_a_wrong_code_says_so_in_dutch_and_counts_as_a_failed_link(self) -> None:
        _first, code = self.started_in_group()
        wrong = ("2" if code[0] != "2" else "3") + code[1:]
        with override_settings(LINK_FAILURE_LIMIT=3):
            client = Client(REMOTE_ADDR="203.0.113.10")
            for typed in (wrong, "kort", ""):
                reply = client.post(reverse("respondent_resume_code"), {"code": typed})
                self.assertContains(reply, "Deze code werkt niet", status_code=400)
                self.assertContains(reply, 'aria-invalid="true"', status_code=400)
            reply = client.post(reverse("respondent_resume_code"), {"code": code})
            self.assertContains(reply, "Te veel pogingen", status_code=429)
            self.assertEqual(client.get(reverse("respondent_resume_code")).status_code, 429)

    def test_a_code_of_a_closed_round_says_so(self) -> None:
        _first, code = self.started_in_group()
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.CLOSED)
        self.assertEqual(Client().post(reverse("respondent_resume_code"), {"code": code}).status_code, 410)


class FloodingTests(LinksTestCase):
    def flood(self, count: int, address: str, round_: Round | None = None) -> list[Any]:
        token = (round_.groups.first() if round_ else self.group).link_token()
        return [start_group(Client(REMOTE_ADDR=address), token) for _ in range(count)]

    def test_a_hundred_new_responses_from_one_address_are_refused_past_the_limit(self) -> None:
        replies = self.flood(100, "203.0.113.20")
        statuses = [reply.status_code for reply in replies]
        self.assertEqual(statuses, [302] * 50 + [429] * 50)
        self.assertEqual(Response.objects.filter(group=self.group).count(), 50)
        self.assertContains(replies[-1], "Te veel nieuwe vragenlijsten", status_code=429)
        self.assertEqual(replies[-1].headers["Retry-After"], "900")
        # Another address (another office) and another round from the same address are not affected.
        self.assertEqual(self.flood(1, "198.51.100.20")[0].status_code, 302)
        self.assertEqual(
            self.flood(1, "203.0.113.20", make_round(self.org_a, title="Andere meting"))[0].status_code, 302
        )

    @override_settings(RESPONSE_START_LIMIT=2)
    def test_the_limit_is_per_group_link_and_the_coordinator_sees_the_refused_starts(self) -> None:
        """Issue 13 item 5: counted per client and group link; the round page shows how many starts each group
        link refused (a count, nothing per person: a refused start stores nothing)."""
        other = self.round.groups.exclude(pk=self.group.pk).first()
        assert other is not None
        statuses = [reply.status_code for reply in self.flood(5, "203.0.113.30")]
        self.assertEqual(statuses, [302, 302, 429, 429, 429])
        other_link = start_group(Client(REMOTE_ADDR="203.0.113.30"), other.link_token())
        self.assertEqual(other_link.status_code, 302)  # the same client, another group's link
        self.client.force_login(self.alice)
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.round.uuid]))
        refused = re.findall(r"<span data-refused-starts>([^<]*)</span>", page.content.decode())
        self.assertEqual(refused, ["3 starts geweigerd: te veel nieuwe vragenlijsten vanaf één adres in korte tijd"])
        self.assertNotContains(page, "203.0.113.30")

    @override_settings(RESPONSE_START_LIMIT=3)
    def test_resuming_and_personal_links_do_not_count(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.21")
        start_group(client, self.group.link_token())
        for _ in range(5):
            self.assertEqual(client.get(self.group_url()).status_code, 302)  # resumes
        for n in range(5):
            _invitation, token = invite(self.round, self.group, f"p{n}@example.nl")
            start(Client(REMOTE_ADDR="203.0.113.21"), token)
        self.assertEqual(Response.objects.count(), 6)
        self.assertEqual([r.status_code for r in self.flood(3, "203.0.113.21")], [302, 302, 429])
