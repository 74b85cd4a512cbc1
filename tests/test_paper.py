"""Group links with QR codes, the printable questionnaire, typing in paper forms and importing them as CSV."""

import datetime
import io
import subprocess
import xml.etree.ElementTree as ET
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from cjgscan.instruments.models import Item
from cjgscan.lib import codes
from cjgscan.organisations.models import Role
from cjgscan.reports.models import StoredReport
from cjgscan.rounds import paper
from cjgscan.rounds.models import Answer, PaperEntryLog, RespondentGroup, Response, Round, ThemeAnswer
from tests.base import BaseTestCase
from tests.factories import make_membership, make_organisation, make_round, make_user
from tests.stored_reports import no_rendering, paper_questionnaire, run_report_tasks
from tests.tools import require_tool


def pdf_text(content: bytes) -> str:
    require_tool("pdftotext", "poppler-utils")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return result.stdout.decode()


def csv_bytes(*rows: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(rows) + "\r\n").encode()


class PaperTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_profession=True, ask_importance=True)
        cls.groups = list(cls.round.groups.all())
        cls.group = cls.groups[0]
        cls.other_round = make_round(cls.org_b)  # Carol's other organisation; Alice and Bob are not in it
        cls.options = {option.code: option for option in cls.round.scale.options.all()}

    def url(self, name: str, group: RespondentGroup | None = None, round_: Round | None = None) -> str:
        round_ = round_ or self.round
        args: list[Any] = [round_.organisation.uuid, round_.uuid]
        if group is not None:
            args.append(group.uuid)
        return reverse(name, args=args)

    def group_urls(self) -> list[str]:
        names = ["group_link", "group_qr_svg", "group_qr_png", "group_sheet_pdf", "group_link_renew"]
        return [self.url(name, self.group) for name in names]

    def round_urls(self) -> list[str]:
        names = ["paper_questionnaire", "paper_entry", "paper_import", "paper_import_template"]
        return [self.url(name) for name in names]


class GroupLinkTests(PaperTestCase):
    def test_the_page_shows_the_link_and_its_qr_code(self) -> None:
        self.client.force_login(self.alice)
        self.client.get(self.url("group_link", self.group))  # the first visit stores the organisation
        with self.assertNumQueries(6):
            response = self.client.get(self.url("group_link", self.group))
        self.assertEqual(response.status_code, 200)
        link = f"http://testserver/g/{self.group.link_token()}/"
        self.assertContains(response, f'value="{link}"')
        self.assertContains(response, '<svg role="img" aria-label=', count=1)
        self.assertContains(response, self.url("group_link_renew", self.group))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotContains(response, " style=")
        self.assertNotRegex(response.content.decode(), r"<script(?![^>]*\ssrc=)")  # the copy button: a static file
        short = f"http://testserver/g/{codes.formatted(self.group.short_code())}"
        self.assertContains(response, f'value="{short}"')
        self.assertContains(response, 'data-copy="group-short-url"')

    def test_a_reader_sees_the_link_but_cannot_renew_it(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url("group_link", self.group))
        self.assertContains(response, self.group.link_token())
        self.assertNotContains(response, self.url("group_link_renew", self.group))
        self.assertEqual(self.client.post(self.url("group_link_renew", self.group)).status_code, 403)
        self.group.refresh_from_db()
        self.assertEqual(self.group.link_version, 1)

    def test_qr_code_as_svg(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(self.url("group_qr_svg", self.group))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertRegex(response["Content-Disposition"], r'^attachment; filename="meting-najaar-[a-z-]+-qr\.svg"$')
        root = ET.fromstring(response.content)  # noqa: S314 (our own output)
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")

    def test_qr_code_as_png(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(self.url("group_qr_png", self.group))
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"\x89PNG\r\n\x1a\n"))
        image = Image.open(io.BytesIO(response.content))
        image.load()
        self.assertEqual(image.width, image.height)
        self.assertGreaterEqual(image.width, 300)

    def test_a4_sheet(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url("group_sheet_pdf", self.group))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        text = pdf_text(response.content)
        # The address to type is the short one (the QR code holds the full link).
        self.assertIn(f"testserver/g/{codes.formatted(self.group.short_code())}", text.replace("\n", ""))
        self.assertIn(self.group.name, text)
        self.assertIn(self.org_a.name, text)

    def test_renewing_changes_the_token(self) -> None:
        self.client.force_login(self.carol)
        old, old_code = self.group.link_token(), self.group.short_code()
        response = self.client.post(self.url("group_link_renew", self.group), follow=True)
        self.assertRedirects(response, self.url("group_link", self.group))
        self.group.refresh_from_db()
        self.assertEqual(self.group.link_version, 2)
        self.assertNotEqual(self.group.link_token(), old)
        self.assertContains(response, self.group.link_token())
        self.assertNotContains(response, old)
        self.assertNotEqual(self.group.short_code(), old_code)
        self.assertContains(response, codes.formatted(self.group.short_code()))
        self.assertNotContains(response, codes.formatted(old_code))
        self.assertEqual(len(list(response.context["messages"])), 1)
        self.assertEqual(self.client.get(self.url("group_link_renew", self.group)).status_code, 405)

    def test_another_rounds_group_is_not_found(self) -> None:
        self.client.force_login(self.carol)
        other_group = self.other_round.groups.first()
        url = reverse("group_link", args=[self.org_a.uuid, self.round.uuid, other_group.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)


class QuestionnairePdfTests(PaperTestCase):
    def test_the_questionnaire_holds_every_characteristic_group_and_profession(self) -> None:
        self.client.force_login(self.bob)  # a reader may ask for it: asking is reading
        text = pdf_text(paper_questionnaire(self, self.round))
        codes = list(Item.objects.filter(theme__version=self.round.version).values_list("code", flat=True))
        self.assertEqual(len(codes), 51)
        self.assertEqual([code for code in codes if code not in text], [])
        for group in self.groups:
            self.assertIn(group.name, text)
        self.assertIn("Jeugdartsen", text)
        self.assertRegex(text, r"\b1 / \d+\b")  # page numbers

    def test_it_is_made_by_the_worker_once_per_version(self) -> None:
        self.client.force_login(self.bob)
        page = self.url("paper_questionnaire")
        # Before it is asked for, the old address of the file leads to its page, which renders nothing.
        self.assertRedirects(self.client.get(self.url("paper_questionnaire_pdf")), page)
        with no_rendering():
            self.assertContains(self.client.get(page), "PDF maken")
        paper_questionnaire(self, self.round)
        # Asked again for the same version: the stored file, no new work for the worker.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(page)
        self.assertEqual(run_report_tasks(), 0)
        with no_rendering():
            self.assertContains(self.client.get(page), "Downloaden: Vragenlijst om te printen (PDF)")
        # A renamed group is a new version: the worker makes it again, and only the newest file is kept.
        RespondentGroup.objects.filter(pk=self.group.pk).update(name="Wijkteam Noord")
        self.assertIn("Wijkteam Noord", pdf_text(paper_questionnaire(self, self.round)))
        self.assertEqual(StoredReport.objects.filter(round=self.round, kind="paper", status="ready").count(), 1)
        # Another organisation's member finds neither the page nor the file.
        self.client.force_login(self.dave)
        for url in (page, self.url("paper_questionnaire_pdf")):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(page).status_code, 404)


class DataEntryTests(PaperTestCase):
    def form(self, **fields: str) -> dict[str, str]:
        """What the browser sends for an empty form: every radio group on "not filled in"."""
        data = {"csrfmiddlewaretoken": "x", "group": str(self.group.uuid), "profession": ""}
        for item in Item.objects.filter(theme__version=self.round.version):
            data[f"item-{item.code}"] = ""
        for number in range(1, 8):
            data[f"comment-S{number}"] = ""
            data[f"importance-S{number}"] = ""
        data.update(fields)
        return data

    def test_the_form_lists_every_characteristic(self) -> None:
        self.client.force_login(self.carol)
        # The first visit stores the organisation, and loads the questionnaire's keys, items and options into the
        # process's cache (rounds/answers.py): the second needs none of those four queries.
        self.client.get(self.url("paper_entry"))
        with self.assertNumQueries(8):
            response = self.client.get(self.url("paper_entry"))
        self.assertContains(response, "<fieldset", count=51 + 7)
        self.assertContains(
            response,
            'type="radio" class="utrecht-radio-button utrecht-radio-button--html-input" name="item-S1.K1"',
            count=7,
        )
        self.assertContains(response, 'name="comment-S7"')
        self.assertContains(response, '<option value="S4.B1"')
        self.assertNotContains(response, ' style="')
        self.assertNotContains(response, "<script")

    def test_a_form_is_saved_as_one_submitted_paper_response(self) -> None:
        self.client.force_login(self.carol)
        data = self.form(
            **{
                "item-S1.K1": "v3",
                "item-S2.K4": "dont_know",
                "item-S7.K1": "not_applicable",
                "comment-S2": "  Goed bereikbaar.  ",
                "importance-S2": "5",
                "profession": "S4.B2",
            }
        )
        response = self.client.post(self.url("paper_entry"), data, follow=True)
        self.assertRedirects(response, self.url("paper_entry"))
        self.assertContains(response, "utrecht-alert--ok")
        self.assertContains(response, 'id="item-S1.K1" value="" checked')  # empty again for the next form
        saved = Response.objects.get()
        self.assertEqual(
            (saved.round, saved.group, saved.channel, saved.status, saved.token_hash, saved.profession),
            (self.round, self.group, "paper", "submitted", None, "S4.B2"),
        )
        self.assertEqual(saved.submitted_on, timezone.localdate())
        answers = {a.item.code: (a.option.code, a.value) for a in Answer.objects.select_related("item", "option")}
        self.assertEqual(answers, {"S1.K1": ("v3", 3), "S2.K4": ("dont_know", None), "S7.K1": ("not_applicable", None)})
        theme_answers = [(t.theme.code, t.comment, t.importance) for t in ThemeAnswer.objects.all()]
        self.assertEqual(theme_answers, [("S2", "Goed bereikbaar.", 5)])

    def test_wrong_or_tampered_forms_save_nothing(self) -> None:
        other_round_group = self.other_round.groups.first()
        cases = {
            "off the scale": {"item-S1.K1": "v9"},
            "unknown item": {"item-S1.K1": "v2", "item-S9.K9": "v2"},
            "another instrument's item": {"item-S1.K1": "v2", "item-P3.V9": "v2"},
            "NUL in a comment": {"item-S1.K1": "v2", "comment-S1": "a\x00b"},
            "comment too long": {"item-S1.K1": "v2", "comment-S1": "x" * 2001},
            "importance off the scale": {"item-S1.K1": "v2", "importance-S1": "6"},
            "unknown profession": {"item-S1.K1": "v2", "profession": "S9.B9"},
            "no group": {"item-S1.K1": "v2", "group": ""},
            "another round's group": {"item-S1.K1": "v2", "group": str(other_round_group.uuid)},
            "nothing answered": {},
        }
        self.client.force_login(self.carol)
        for case, fields in cases.items():
            with self.subTest(case):
                response = self.client.post(self.url("paper_entry"), self.form(**fields))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'class="utrecht-alert utrecht-alert--error" role="alert"')
                self.assertGreater(len(response.context["errors"]), 0)
                self.assertEqual(Response.objects.count(), 0)
                self.assertEqual(Answer.objects.count(), 0)

    def test_errors_link_to_their_field_and_what_was_typed_stays(self) -> None:
        self.client.force_login(self.carol)
        data = self.form(**{"item-S1.K2": "v4", "comment-S3": "x" * 2001, "importance-S3": "2"})
        response = self.client.post(self.url("paper_entry"), data)
        self.assertContains(response, 'href="#comment-S3"')
        self.assertContains(response, 'aria-describedby="comment-S3-error"')
        self.assertContains(response, 'id="item-S1.K2-v4" value="v4" checked')
        self.assertContains(response, 'id="importance-S3-2" value="2" checked')
        self.assertContains(response, "x" * 2001)

    def test_not_before_the_round_opens(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        Round.objects.filter(pk=self.round.pk).update(opens_on=tomorrow, closes_on=tomorrow, status="draft")
        self.client.force_login(self.carol)
        response = self.client.post(self.url("paper_entry"), self.form(**{"item-S1.K1": "v2"}))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="item-S1.K1"')
        self.assertEqual(Response.objects.count(), 0)

    def test_after_the_round_has_closed(self) -> None:
        past = timezone.localdate() - datetime.timedelta(days=10)
        Round.objects.filter(pk=self.round.pk).update(opens_on=past, closes_on=past, status="closed")
        self.client.force_login(self.carol)
        self.client.post(self.url("paper_entry"), self.form(**{"item-S1.K1": "v2"}))
        self.assertEqual(Response.objects.count(), 1)


class CsvImportTests(PaperTestCase):
    HEADER = "group;profession;S1.K1;S1.K2;S3.K2;comment-S1;importance-S1"

    def import_file(self, content: bytes, user: Any = None) -> Any:
        self.client.force_login(user or self.carol)
        upload = io.BytesIO(content)
        upload.name = "formulieren.csv"
        return self.client.post(self.url("paper_import"), {"file": upload}, follow=True)

    def test_the_template_has_the_rounds_columns(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url("paper_import_template"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('attachment; filename="meting-najaar-sjabloon.csv"', response["Content-Disposition"])
        self.assertTrue(response.content.startswith("\ufeff".encode()))
        columns = response.content.decode("utf-8-sig").strip().split(";")
        self.assertEqual(columns[:3], ["group", "profession", "S1.K1"])
        self.assertEqual(len(columns), 2 + 51 + 7 + 7)
        self.assertEqual(columns[-1], "importance-S7")

    def test_a_good_file_is_imported(self) -> None:
        names = [group.name for group in self.groups]
        content = csv_bytes(
            self.HEADER,
            f"{names[0]};Jeugdartsen;1;?;nvt;Mooi;4",
            f"{names[1].upper()};;4;weet niet;;;",
            ";;;;;;",  # an empty row is skipped
            f'{names[2]};anders;2;3;"n.v.t.";"Twee; regels\nlang";',
        )
        response = self.import_file(content)
        self.assertRedirects(response, self.url("paper_import"))
        self.assertContains(response, "utrecht-alert--ok")
        responses = Response.objects.order_by("group__position")
        self.assertEqual(
            [(r.group.name, r.profession, r.channel, r.status) for r in responses],
            [(names[0], "S4.B1", "paper", "submitted"), (names[1], "", "paper", "submitted")]
            + [(names[2], "anders", "paper", "submitted")],
        )
        first = {a.item.code: a.option.code for a in responses[0].answers.select_related("item", "option")}
        self.assertEqual(first, {"S1.K1": "v1", "S1.K2": "dont_know", "S3.K2": "not_applicable"})
        self.assertEqual(Answer.objects.count(), 3 + 2 + 3)
        self.assertEqual(
            sorted((t.comment, t.importance) for t in ThemeAnswer.objects.all()),
            [("Mooi", 4), ("Twee; regels\nlang", None)],
        )

    def test_an_imported_row_is_stored_like_a_typed_in_form(self) -> None:
        self.client.force_login(self.carol)
        fields = {"item-S1.K1": "v3", "item-S1.K2": "dont_know", "comment-S1": "Mooi", "importance-S1": "4"}
        typed = {"group": str(self.group.uuid), "profession": "S4.B1", **fields}
        self.client.post(self.url("paper_entry"), typed)
        self.import_file(csv_bytes(self.HEADER, f"{self.group.name};S4.B1;3;?;;Mooi;4"))

        def stored(response: Response) -> tuple[Any, ...]:
            return (
                response.group_id,
                response.profession,
                response.channel,
                response.status,
                response.token_hash,
                response.submitted_on,
                sorted(response.answers.values_list("item_id", "option_id", "value")),
                sorted(response.theme_answers.values_list("theme_id", "comment", "importance")),
            )

        first, second = Response.objects.all()
        self.assertEqual(stored(first), stored(second))

    def test_one_bad_row_imports_nothing_and_is_reported(self) -> None:
        name = self.group.name
        content = csv_bytes(
            self.HEADER,
            f"{name};;1;2;3;;",
            f"{name};;1;2;5;;",  # row 3: 5 is off the scale
            "Onbekend;;1;2;3;;",  # row 4: unknown group
            f"{name};Piloot;1;2;3;;9",  # row 5: unknown profession, importance off the scale
            f"{name};;;;;;",  # row 6: nothing answered
        )
        response = self.import_file(content)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Response.objects.count(), 0)
        problems = response.context["problems"]
        self.assertEqual([row for row, _message in problems], [3, 4, 5, 5, 6])
        self.assertIn("S3.K2", problems[0][1])
        self.assertIn("1–4", problems[0][1])
        self.assertContains(response, 'data-row="3"')
        self.assertNotContains(response, 'data-row="2"')

    def test_bom_and_comma_are_accepted(self) -> None:
        content = csv_bytes("group,S1.K1,S1.K2", f"{self.group.name},2,3", f"{self.group.name},4,", bom=True)
        response = self.import_file(content)
        self.assertEqual(response.context["problems"], [])
        self.assertEqual(Response.objects.count(), 2)

    def test_problems_with_the_file_itself(self) -> None:
        cases = {
            "unknown column": (csv_bytes("group;S1.K1;S9.K9;colour", f"{self.group.name};1;2;3"), 1),
            "no group column": (csv_bytes("S1.K1", "1"), 1),
            "a column twice": (csv_bytes("group;S1.K1;s1.k1", f"{self.group.name};1;2"), 1),
            "not UTF-8": ("group;S1.K1\r\nJGZ-medewerkers;1\r\nCafé;1\r\n".encode("cp1252"), None),
            "empty": (b"", None),
            "header only": (csv_bytes("group;S1.K1"), None),
            "too many cells": (csv_bytes("group;S1.K1", f"{self.group.name};1;2"), 2),
            "NUL in a comment": (csv_bytes("group;S1.K1;comment-S1", f"{self.group.name};1;a\x00b"), 2),
            "long comment": (csv_bytes("group;S1.K1;comment-S1", f"{self.group.name};1;{'x' * 2001}"), 2),
        }
        for case, (content, row) in cases.items():
            with self.subTest(case):
                response = self.import_file(content)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(Response.objects.count(), 0)
                self.assertEqual(response.context["problems"][0][0], row)

    def test_limits(self) -> None:
        with mock.patch.object(paper, "MAX_IMPORT_ROWS", 2):
            response = self.import_file(csv_bytes("group;S1.K1", *[f"{self.group.name};1"] * 3))
        self.assertEqual(response.context["problems"][-1][0], None)
        response = self.import_file(b"group;S1.K1\r\n" + b"x" * paper.MAX_IMPORT_BYTES)
        self.assertEqual(len(response.context["problems"]), 1)
        response = self.client.post(self.url("paper_import"), {})
        self.assertEqual(len(response.context["problems"]), 1)
        self.assertEqual(Response.objects.count(), 0)

    def test_a_round_without_profession_refuses_the_column(self) -> None:
        round_ = make_round(self.org_a, title="Zonder beroep")
        group = round_.groups.first()
        self.client.force_login(self.carol)
        upload = io.BytesIO(csv_bytes("group;profession;S1.K1", f"{group.name};anders;1"))
        upload.name = "f.csv"
        response = self.client.post(self.url("paper_import", round_=round_), {"file": upload})
        self.assertEqual(response.context["problems"][0][0], 1)
        self.assertEqual(Response.objects.count(), 0)


class PaperEntryLogTests(PaperTestCase):
    """Paper entries are logged per person, group, day and way of entering, and shown on the round page."""

    form = DataEntryTests.form

    def test_typed_in_and_imported_forms_are_logged_and_shown(self) -> None:
        self.client.force_login(self.carol)
        for value in ("v1", "v2"):
            self.client.post(self.url("paper_entry"), self.form(**{"item-S1.K1": value}))
        names = [group.name for group in self.groups]
        upload = io.BytesIO(csv_bytes("group;S1.K1", f"{names[0]};1", f"{names[0]};2", f"{names[1]};3"))
        upload.name = "formulieren.csv"
        self.client.post(self.url("paper_import"), {"file": upload})
        logs = PaperEntryLog.objects.filter(round=self.round).order_by("source", "group__position")
        today = timezone.localdate()
        self.assertEqual(
            [(log.source, log.group.name, log.entered_by, log.entered_on, log.form_count) for log in logs],
            [
                ("entry", names[0], self.carol, today, 2),
                ("import", names[0], self.carol, today, 2),
                ("import", names[1], self.carol, today, 1),
            ],
        )
        self.assertEqual(Response.objects.filter(channel="paper").count(), 5)
        # Every member sees the log on the round page, with who entered how many forms when.
        self.client.force_login(self.bob)
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.round.uuid]))
        date = date_format(today, "j F Y")
        self.assertContains(page, f"2 formulieren ingevoerd door Carol op {date} ({names[0]})")
        self.assertContains(page, f"1 formulier geïmporteerd door Carol op {date} ({names[1]})")
        self.assertContains(page, "data-paper-log", count=3)


class AccessTests(PaperTestCase):
    def test_readers_may_look_but_get_403_on_every_post(self) -> None:
        self.client.force_login(self.bob)
        for url in self.group_urls()[:4] + self.round_urls():
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)
        for url in [
            self.url("group_link_renew", self.group),
            self.url("paper_entry"),
            self.url("paper_import"),
        ]:
            with self.subTest(url):
                self.assertEqual(self.client.post(url, {"group": str(self.group.uuid)}).status_code, 403)
        self.assertEqual(Response.objects.count(), 0)
        self.assertNotContains(self.client.get(self.url("paper_import")), 'type="file"')
        self.assertNotContains(self.client.get(self.url("paper_entry")), 'name="item-S1.K1"')

    def test_outsiders_get_404_on_every_url(self) -> None:
        self.client.force_login(self.dave)
        renew, *readable = self.group_urls()[::-1]
        for url in readable + self.round_urls():
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
        for url in [renew, self.url("paper_entry"), self.url("paper_import")]:
            with self.subTest(url):
                self.assertEqual(self.client.post(url, {"group": str(self.group.uuid)}).status_code, 404)
        self.assertEqual(Response.objects.count(), 0)

    def test_a_round_of_another_organisation_is_not_found(self) -> None:
        self.client.force_login(self.carol)  # member of both A and B
        group = self.other_round.groups.first()
        for name in ["group_link", "group_qr_svg", "group_qr_png", "group_sheet_pdf"]:
            url = reverse(name, args=[self.org_a.uuid, self.other_round.uuid, group.uuid])
            with self.subTest(name):
                self.assertEqual(self.client.get(url).status_code, 404)
        names = [
            "paper_questionnaire",
            "paper_questionnaire_pdf",
            "paper_entry",
            "paper_import",
            "paper_import_template",
        ]
        for name in names:
            url = reverse(name, args=[self.org_a.uuid, self.other_round.uuid])
            with self.subTest(name):
                self.assertEqual(self.client.get(url).status_code, 404)
                if url.endswith("/"):
                    self.assertEqual(self.client.post(url).status_code, 404)
        url = reverse("group_link_renew", args=[self.org_a.uuid, self.other_round.uuid, group.uuid])
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        for url in self.group_urls()[:4] + self.round_urls():
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("login"), response["Location"])

    def test_the_round_page_panel(self) -> None:
        from django.template.loader import render_to_string

        for user, writes in ((self.carol, True), (self.bob, False)):
            membership = user.memberships.get(organisation=self.org_a)
            html = render_to_string(
                "rounds/_paper_panel.html",
                {
                    "organisation": self.org_a,
                    "round": self.round,
                    "membership": membership,
                    "groups": self.groups,
                },
            )
            with self.subTest(user.first_name):
                self.assertEqual(html.count("/papier/groepen/"), len(self.groups))
                self.assertIn(self.url("paper_questionnaire"), html)
                self.assertEqual(self.url("paper_entry") in html, writes)
                self.assertEqual(self.url("paper_import") in html, writes)


# In Chromium: a coordinator types in a paper form with the keyboard only; axe checks every page.


@pytest.fixture
def paper_round():  # type: ignore[no-untyped-def]
    from tests.factories import load_builtin_instruments

    load_builtin_instruments()
    organisation = make_organisation("CJG Papierdorp")
    user = make_user("Paula")
    make_membership(user, organisation, Role.COORDINATOR)
    return user, make_round(organisation, ask_importance=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_in_a_paper_form_with_the_keyboard(page, paper_round) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from tests.browser.test_instrument_browser import log_in

    user, round_ = paper_round
    group = round_.groups.order_by("position")[1]
    log_in(page, user.email)
    args = [round_.organisation.uuid, round_.uuid]
    page.visit(reverse("group_link", args=[*args, group.uuid]))
    page.visit(reverse("paper_import", args=args))
    page.locator("#import-file").set_input_files(
        {"name": "f.csv", "mimeType": "text/csv", "buffer": csv_bytes("group;S1.K1", f"{group.name};7")}
    )
    page.locator("button.utrecht-button--primary-action").click()
    expect(page.locator("#import-report tr[data-row='2']")).to_be_visible()
    page.check_accessibility()
    page.visit(reverse("paper_entry", args=args))

    def tab_to(selector: str) -> None:
        for _ in range(400):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"{selector} not reached with Tab")

    tab_to("#group")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the second group
    tab_to("[name='item-S1.K1']")
    page.keyboard.press("ArrowRight")  # not filled in -> 1
    page.keyboard.press("ArrowRight")  # -> 2
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # S1.K2 = 1
    tab_to("#comment-S1")
    page.keyboard.type("Met de hand ingevuld")
    page.keyboard.press("Tab")
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # importance of S1 = 4
    tab_to("button[type=submit]:not(.utrecht-button--subtle)")
    page.keyboard.press("Enter")

    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    page.check_accessibility()
    expect(page.locator("#item-S1\\.K1")).to_be_checked()  # an empty form for the next one

    saved = Response.objects.get()
    assert (saved.group, saved.channel, saved.status) == (group, "paper", "submitted")
    answers = {a.item.code: a.value for a in saved.answers.select_related("item")}
    assert answers == {"S1.K1": 2, "S1.K2": 1}
    assert [(t.comment, t.importance) for t in saved.theme_answers.all()] == [("Met de hand ingevuld", 4)]

    # A mistake is shown with a link to the field, and keyboard focus can follow it.
    page.keyboard.press("Tab")
    tab_to("button[type=submit]:not(.utrecht-button--subtle)")
    page.keyboard.press("Enter")
    expect(page.locator("[role=alert] a[href='#group']")).to_be_visible()
    page.check_accessibility()
    assert Response.objects.count() == 1
