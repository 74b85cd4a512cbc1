"""Bad input, table-driven: markup, script and formulas in every text field, SQL-like strings, oversized bodies,
NUL bytes, off-scale values, other rounds' ids, tampered and guessed tokens, login lock-out, CSRF.

To cover a new text field, add a row to TEXT_FIELDS: how a user (or respondent) enters the text, and the pages,
PDFs and exports where it is shown. Every payload must come out escaped in pages, literal in PDFs and neutralised
(never starting with = + - @) in exports.
"""

import csv
import io
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Answer, RespondentGroup, Response, Round, ThemeAnswer
from tests.base import BaseTestCase
from tests.factories import PASSWORD, make_round, release
from tests.respondents import invite, start
from tests.tools import require_tool

# Each payload is also stored and shown back unchanged (as text): SQL-like strings are just text.
PAYLOADS = {
    "markup": '<script>alert(1)</script><img src=x onerror="alert(1)"><b>vet</b>',
    "formula": '=HYPERLINK("http://example.com","klik")',
    "plus": "+31-6-12345678",
    "minus": "-2+3",
    "at": "@SUM(A1:A9)",
    "sql and quotes": "'; DROP TABLE rounds_round; -- \"O'Brien\" & Zoë",
}
# PDFs take a second each: checked with the payloads that would show as something else if interpreted.
PDF_PAYLOADS = ("markup", "sql and quotes")
ESCAPED = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "&": "&amp;"}


def escaped(text: str) -> str:
    return "".join(ESCAPED.get(char, char) for char in text)


@dataclass
class Place:
    """Where an entered text appears: pages (HTML), PDFs and CSV exports, as URL builders over the test case."""

    pages: list[Callable[["AttackTests"], str]] = field(default_factory=list)
    pdfs: list[Callable[["AttackTests"], str]] = field(default_factory=list)
    csv: list[Callable[["AttackTests"], str]] = field(default_factory=list)


def round_url(name: str, *more: object, query: str = "") -> Callable[["AttackTests"], str]:
    return lambda t: reverse(name, args=[t.org_a.uuid, t.round.uuid, *more]) + query


def org_url(name: str) -> Callable[["AttackTests"], str]:
    return lambda t: reverse(name, args=[t.org_a.uuid])


def enter_organisation_name(t: "AttackTests", text: str) -> None:
    t.client.force_login(t.alice)
    url = reverse("organisation_edit", args=[t.org_a.uuid])
    t.client.post(url, {"name": text, "municipality": "Aadorp", "region": ""})
    assert Organisation.objects.get(pk=t.org_a.pk).name == text


def enter_round_title(t: "AttackTests", text: str) -> None:
    t.client.force_login(t.alice)
    data = {
        "title": text,
        "opens_on": t.round.opens_on.isoformat(),
        "closes_on": t.round.closes_on.isoformat(),
        "min_group_size": "5",
    }
    reply = t.client.post(reverse("round_edit", args=[t.org_a.uuid, t.round.uuid]), data)
    assert reply.status_code == 302, reply.content.decode()[:2000]
    assert Round.objects.get(pk=t.round.pk).title == text


def enter_group_name(t: "AttackTests", text: str) -> None:
    t.client.force_login(t.alice)
    t.client.post(reverse("round_groups", args=[t.org_a.uuid, t.round.uuid]), {"add": "1", "name": text})
    assert RespondentGroup.objects.filter(round=t.round, name=text).exists()


def enter_comment(t: "AttackTests", text: str) -> None:
    """Five respondents of one group write the text as their comment on key 1 (enough to be shown)."""
    group = t.round.groups.first()
    for n in range(5):
        respondent = Client()
        _invitation, token = invite(t.round, group, f"c{n}-{len(text)}@example.nl")
        start(respondent, token)
        data = {"page": "1", "item-S1.K1": "v3", "comment-S1": text}
        assert respondent.post(reverse("respondent_autosave", args=[t.round.uuid]), data).status_code == 200
        respondent.post(reverse("respondent_submit", args=[t.round.uuid]))
    assert ThemeAnswer.objects.filter(response__round=t.round, comment=text).count() == 5


def enter_action(t: "AttackTests", text: str) -> None:
    """An action (plan) with the text as title and description, and a progress note with it."""
    from cjgscan.development.models import Action

    t.client.force_login(t.carol)
    data = {"title": text, "description": text, "phase": "plan", "owner_name": text}
    reply = t.client.post(reverse("action_create", args=[t.org_a.uuid]), data)
    assert reply.status_code == 302, reply.content.decode()[:3000]
    t.action = Action.objects.filter(organisation=t.org_a).latest("pk")
    assert t.action.title == text
    note = {"noted_on": t.round.opens_on.isoformat(), "text": text}
    assert t.client.post(reverse("action_note", args=[t.org_a.uuid, t.action.uuid]), note).status_code == 302


def enter_workshop_texts(t: "AttackTests", text: str) -> None:
    """A participant of a work session writes the text as a note on the first question and as a wish."""
    from django.core.cache import cache

    from cjgscan.workshops import actions
    from cjgscan.workshops.models import Note, Wish
    from tests.test_workshops import join, make_workshop

    cache.clear()
    t.workshop = make_workshop(t.org_a)
    participant = Client()
    join(participant, t.workshop, "Deelnemer")
    question = actions.ordered_questions(t.workshop)[0]
    participant.post(reverse("participant_question", args=[t.workshop.uuid, question.uuid]), {"text": text})
    participant.post(reverse("participant_wishes", args=[t.workshop.uuid]), {"pillar": "P1", "text": text})
    assert Note.objects.filter(participant__workshop=t.workshop, text=text).exists()
    assert Wish.objects.filter(workshop=t.workshop, text=text).exists()


def workshop_url(name: str) -> Callable[["AttackTests"], str]:
    return lambda t: reverse(name, args=[t.org_a.uuid, t.workshop.uuid])


def action_url(name: str) -> Callable[["AttackTests"], str]:
    return lambda t: reverse(name, args=[t.org_a.uuid, t.action.uuid])


TEXT_FIELDS: dict[str, tuple[Callable[["AttackTests", str], None], Place]] = {
    "organisation name": (
        enter_organisation_name,
        Place(pages=[org_url("organisation_home"), org_url("round_list")], pdfs=[round_url("round_report_pdf")]),
    ),
    "round title": (
        enter_round_title,
        Place(
            pages=[org_url("round_list"), round_url("round_detail"), round_url("results_overview")],
            pdfs=[round_url("paper_questionnaire_pdf"), round_url("round_report_pdf")],
        ),
    ),
    "group name": (
        enter_group_name,
        Place(pages=[round_url("round_groups"), round_url("round_detail")]),
    ),
    "respondent comment": (
        enter_comment,
        Place(
            pages=[round_url("results_key", "S1")],
            pdfs=[round_url("round_report_pdf")],
            csv=[round_url("round_export", query="?inhoud=antwoorden&formaat=csv&scheidingsteken=%3B")],
        ),
    ),
    "action title, description, owner and note": (
        enter_action,
        Place(
            pages=[org_url("action_list"), action_url("action_detail")],
            csv=[lambda t: reverse("action_export", args=[t.org_a.uuid])],
        ),
    ),
    "work session notes and wishes": (
        enter_workshop_texts,
        Place(
            pages=[workshop_url("workshop_present"), workshop_url("workshop_agenda")],
            pdfs=[workshop_url("workshop_agenda_pdf")],
        ),
    ),
}


def pdf_text(content: bytes) -> str:
    pdftotext = require_tool("pdftotext", "poppler-utils")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        return subprocess.run([pdftotext, "-raw", file.name, "-"], capture_output=True, text=True, check=True).stdout


def body(reply: object) -> bytes:
    return b"".join(reply) if getattr(reply, "streaming", False) else reply.content  # type: ignore[attr-defined]


class AttackTests(BaseTestCase):
    def setUp(self) -> None:
        self.round = make_round(self.org_a, title="Meting")

    def pdf_reply(self, url: str) -> Any:
        """The PDF at `url`. PDFs are made by the worker: an address that leads to the page where one is asked for
        is followed, the PDF asked for there (the round's report with its appendix), made, then downloaded."""
        reply = self.client.get(url)
        if reply.status_code != 302:
            return reply
        from django.urls import resolve

        from cjgscan.reports.models import StoredReport
        from tests.stored_reports import run_report_tasks

        page = reply["Location"].split("#")[0]
        match = resolve(page)
        ask = reverse("workshop_report_pdf", kwargs=match.kwargs) if match.url_name == "workshop_report" else page
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(ask, {"kind": "full"})
        run_report_tasks()
        report = StoredReport.objects.filter(organisation=self.org_a, status="ready").latest("pk")
        return self.client.get(reverse("report_download", args=[self.org_a.uuid, report.uuid]))

    def csv_text(self, url: str) -> str:
        """The CSV at `url`; the round's answers are asked for, made by the worker, then downloaded."""
        reply = self.client.get(url)
        assert reply.status_code == 200, url
        if not reply["Content-Type"].startswith("text/csv"):  # the answers' page: the file comes from the worker
            from tests.stored_exports import download_answers

            return download_answers(self.client, self.round, "csv", ";").decode("utf-8-sig")
        return body(reply).decode("utf-8-sig")

    def test_text_fields_come_out_escaped_in_pages_pdfs_and_exports(self) -> None:
        for field_name, (enter, place) in TEXT_FIELDS.items():
            for payload_name, payload in PAYLOADS.items():
                with self.subTest(field=field_name, payload=payload_name):
                    self.round = make_round(self.org_a, title=f"Meting {field_name} {payload_name}")
                    enter(self, payload)
                    release(self.round)  # results pages show a release (nothing happens without new answers)
                    self.client.force_login(self.alice)
                    for url in place.pages:
                        page = body(self.client.get(url(self))).decode()
                        if any(char in payload for char in "<>"):
                            assert payload not in page, (field_name, url(self))
                        assert escaped(payload) in page, (field_name, payload, url(self))
                    for url in place.pdfs if payload_name in PDF_PAYLOADS else []:
                        reply = self.pdf_reply(url(self))
                        assert reply.status_code == 200, url(self)
                        text = " ".join(pdf_text(body(reply)).split())
                        assert payload in text, (field_name, payload, url(self), text[:500])
                    for url in place.csv:
                        rows = list(csv.reader(io.StringIO(self.csv_text(url(self))), delimiter=";"))
                        cells = [cell for row in rows for cell in row if payload.lstrip("=+-@") in cell]
                        assert cells, (field_name, payload, rows[:3])
                        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells), cells


class BadInputTests(BaseTestCase):
    def setUp(self) -> None:
        self.round = make_round(self.org_a, title="Meting")
        self.group = self.round.groups.first()
        self.respondent = Client()
        _invitation, self.token = invite(self.round, self.group)
        self.response = start(self.respondent, self.token)
        self.autosave = reverse("respondent_autosave", args=[self.round.uuid])

    def assert_nothing_saved(self) -> None:
        assert not Answer.objects.filter(response=self.response).exists()
        assert not ThemeAnswer.objects.filter(response=self.response).exists()

    def test_bad_answers_are_refused_with_a_message_and_nothing_is_saved(self) -> None:
        other_version = self.versions["vijf-pijlers"]
        other_item = other_version.themes.first().items.first().code  # type: ignore[union-attr]
        rows = {
            "off-scale value": {"page": "1", "item-S1.K1": "v99"},
            "negative value": {"page": "1", "item-S1.K1": "-1"},
            "importance off scale": {"page": "1", "importance-S1": "9"},
            "another key's item": {"page": "1", "item-S2.K1": "v2"},
            "another instrument's item": {"page": "1", f"item-{other_item}": "v2"},
            "unknown key": {"page": "1", "comment-S99": "x"},
            "NUL byte in a comment": {"page": "1", "item-S1.K1": "v2", "comment-S1": "a\x00b"},
            "NUL byte in a value": {"page": "1", "item-S1.K1": "v2\x00"},
            "comment too long": {"page": "1", "item-S1.K1": "v2", "comment-S1": "x" * 2001},
            "too many fields": {"page": "1", **{f"x{n}": "1" for n in range(250)}},
        }
        for name, data in rows.items():
            with self.subTest(name):
                reply = self.respondent.post(self.autosave, data)
                assert reply.status_code == 400, (name, reply.status_code)
                assert reply.content.strip(), name  # a message, not an empty error
                self.assert_nothing_saved()
        # The same on the no-JavaScript page form, with a page of its own.
        page = reverse("respondent_page", args=[self.round.uuid, 1])
        assert self.respondent.post(page, {"item-S1.K1": "v99"}).status_code == 400
        assert self.respondent.get(reverse("respondent_page", args=[self.round.uuid, 999])).status_code == 404
        self.assert_nothing_saved()

    def test_an_oversized_body_is_refused(self) -> None:
        """The body-size limit itself refuses: a body that is valid in every field (a comment within its 2,000
        characters) is refused only because it is over the limit, and saved once the limit allows it."""
        assert int(2.5 * 1024 * 1024) >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # a 3 MB body never gets in
        data = {"page": "1", "item-S1.K1": "v2", "comment-S1": "x" * 1900}
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
            reply = self.respondent.post(self.autosave, data)
        assert reply.status_code == 400
        self.assert_nothing_saved()
        assert self.respondent.post(self.autosave, data).status_code == 200
        assert ThemeAnswer.objects.get(response=self.response).comment == "x" * 1900

    def test_sql_like_text_is_only_text(self) -> None:
        payload = PAYLOADS["sql and quotes"]
        reply = self.respondent.post(self.autosave, {"page": "1", "comment-S1": payload})
        assert reply.status_code == 200
        assert ThemeAnswer.objects.get(response=self.response).comment == payload
        assert Round.objects.filter(pk=self.round.pk).exists()

    def test_another_rounds_questionnaire_is_not_reachable_with_this_cookie(self) -> None:
        other = make_round(self.org_b, title="Andere meting")
        autosave = reverse("respondent_autosave", args=[other.uuid])
        assert self.respondent.post(autosave, {"page": "1", "item-S1.K1": "v2"}).status_code == 404
        assert self.respondent.post(reverse("respondent_submit", args=[other.uuid])).status_code == 404
        assert not Response.objects.filter(round=other).exists()


class TokenTests(BaseTestCase):
    def setUp(self) -> None:
        self.round = make_round(self.org_a, title="Meting")
        self.group = self.round.groups.first()
        self.invitation, self.token = invite(self.round, self.group)

    def test_tampered_tokens_and_cookies_do_not_work(self) -> None:
        client = Client()
        flipped = self.token[:-2] + ("A" if self.token[-2] != "A" else "B") + self.token[-1]
        group_token = self.group.link_token()
        group_flipped = group_token[:-2] + ("A" if group_token[-2] != "A" else "B") + group_token[-1]
        for url in (
            reverse("respondent_start", args=[flipped]),
            reverse("respondent_start", args=[self.token + "x"]),
            reverse("respondent_start", args=["x" * 40]),
            reverse("respondent_group_start", args=[group_flipped]),
            reverse("respondent_group_start", args=[group_token[:20]]),
        ):
            assert client.get(url).status_code == 404, url
        assert not Response.objects.exists()
        # A valid cookie with a changed value (signature no longer matches) finds nothing.
        start(client, self.token)
        name = next(iter(k for k in client.cookies if k.startswith("cjg_")))
        client.cookies[name] = client.cookies[name].value[:-3] + "abc"
        assert client.get(reverse("respondent_resume", args=[self.round.uuid])).status_code == 404
        assert client.post(reverse("respondent_submit", args=[self.round.uuid])).status_code == 404

    @override_settings(LINK_FAILURE_LIMIT=5)
    def test_guessing_tokens_is_rate_limited_per_address(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.7")
        for n in range(5):
            assert client.get(reverse("respondent_start", args=[f"{n:0>40}"])).status_code == 404
        # Now even a real link is refused from that address, with a clear page; personal and group links alike.
        reply = client.get(reverse("respondent_start", args=[self.token]))
        assert reply.status_code == 429
        assert reply.headers["Retry-After"] == "900"
        assert client.get(reverse("respondent_group_start", args=[self.group.link_token()])).status_code == 429
        assert not Response.objects.exists()
        # Someone at another address is not affected.
        assert Client(REMOTE_ADDR="198.51.100.2").get(reverse("respondent_start", args=[self.token])).status_code == 200

    def test_using_real_links_never_counts_against_an_address(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.8")
        others = [invite(self.round, self.group, f"x{n}@example.nl")[1] for n in range(25)]
        for token in others:
            assert client.get(reverse("respondent_start", args=[token])).status_code == 200


class LoginAndCsrfTests(BaseTestCase):
    def test_login_is_locked_after_repeated_failures(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.9")
        for _ in range(5):
            reply = client.post(reverse("login"), {"username": self.alice.username, "password": "wrong password"})
            assert reply.status_code in (200, 429)
        reply = client.post(reverse("login"), {"username": self.alice.username, "password": PASSWORD})
        assert reply.status_code in (403, 429)
        assert "_auth_user_id" not in client.session

    def test_csrf_is_required_on_every_form(self) -> None:
        round_ = make_round(self.org_a, title="Meting")
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        for url, data in (
            (reverse("round_edit", args=[self.org_a.uuid, round_.uuid]), {"title": "Gekaapt"}),
            (reverse("round_sluiten", args=[self.org_a.uuid, round_.uuid]), {}),
            (reverse("round_delete", args=[self.org_a.uuid, round_.uuid]), {"confirm": "on"}),
            (reverse("organisation_edit", args=[self.org_a.uuid]), {"name": "Gekaapt"}),
        ):
            assert client.post(url, data).status_code == 403, url
        round_.refresh_from_db()
        assert round_.title == "Meting" and round_.status == Round.Status.OPEN
        # The respondent's questionnaire too.
        respondent = Client(enforce_csrf_checks=True)
        _invitation, token = invite(round_, round_.groups.first(), "csrf@example.nl")
        start(respondent, token)
        autosave = reverse("respondent_autosave", args=[round_.uuid])
        assert respondent.post(autosave, {"page": "1", "item-S1.K1": "v2"}).status_code == 403
        assert respondent.post(reverse("respondent_submit", args=[round_.uuid])).status_code == 403
        assert not Answer.objects.exists()
        assert not Response.objects.submitted().exists()
