"""The PDF report of a round: rendered for real (Typst), read back with poppler (pdftotext, pdftoppm)."""

import datetime
import io
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cjgscan.analysis.results import round_results
from cjgscan.development.models import Action, AgreedScore
from cjgscan.lib import typeset
from cjgscan.reports.models import StoredReport
from cjgscan.reports.report import render_report_pdf, report_context
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease
from tests.stored_reports import no_rendering, run_report_tasks
from tests.tools import require_tool


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace collapsed (lines wrap anywhere)."""
    require_tool("pdftotext", "poppler-utils")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return " ".join(result.stdout.decode().split())


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text, in order (pdftotext separates pages with a form feed)."""
    require_tool("pdftotext", "poppler-utils")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return [" ".join(page.split()) for page in result.stdout.decode().split("\f")[:-1]]


def png_pages(content: bytes) -> list[bytes]:
    """Every page as a small greyscale image (PGM: a header, then one byte per pixel)."""
    require_tool("pdftoppm", "poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(content)
        subprocess.run(["pdftoppm", "-r", "20", "-gray", str(source), f"{folder}/page"], check=True)  # noqa: S607
        return [path.read_bytes() for path in sorted(Path(folder).glob("page-*.pgm"))]


def dark_pixels(pgm: bytes) -> int:
    """The number of pixels that are clearly not white."""
    header_end = 0
    for _line in range(3):  # P5, width height, maxval
        header_end = pgm.index(b"\n", header_end) + 1
    return sum(1 for value in pgm[header_end:] if value < 200)


class ReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        today = datetime.date(2026, 10, 1)
        cls.previous = make_round(
            cls.org_a, title="Meting voorjaar", opens_on=today.replace(month=3), closes_on=today.replace(month=4)
        )
        old_big = cls.previous.groups.all()[0]
        old_medium = cls.previous.groups.all()[1]
        for _n in range(5):
            make_response(cls.previous, old_big, {"S1.K1": "v2", "S1.K2": "v3", "S5.K1": "v1"})
            make_response(cls.previous, old_medium, {"S1.K1": "v2", "S1.K2": "v2", "S5.K1": "v2"})
        release(cls.previous)

        cls.round = make_round(cls.org_a, title="Meting najaar", opens_on=today, closes_on=today.replace(month=11))
        groups = list(cls.round.groups.all())
        cls.big, cls.medium, cls.tiny = groups[0], groups[1], groups[2]
        cls.tiny.name = "Kleine groep Zichtbaar"
        cls.tiny.save()
        for n in range(6):
            make_response(
                cls.round,
                cls.big,
                {"S1.K1": "v4", "S1.K2": "v3", "S5.K1": "v1"},
                comments={"S5": f"<script>alert({n})</script> groot"},
            )
        for _n in range(5):
            make_response(cls.round, cls.medium, {"S1.K1": "v1", "S1.K2": "v2", "S5.K1": "v1"})
        make_response(cls.round, cls.tiny, {"S1.K1": "v2"}, comments={"S5": "Herkenbaar commentaar"})
        release(cls.round)
        AgreedScore.objects.create(
            round=cls.round, theme_code="S1", score=Decimal("3.5"), reasoning="Wij zien <b>vooruitgang</b>"
        )
        Action.objects.create(
            organisation=cls.org_a,
            round=cls.round,
            theme_code="S5",
            item_code="S5.K1",
            title="Scholingsplan opstellen",
            description="Met de teamleiders",
            owner_name="Team Oost",
            due_on=datetime.date(2027, 3, 1),
            phase=Action.Phase.DO,
        )
        Action.objects.create(organisation=cls.org_b, title="Actie van een andere organisatie")

    def url(self, round_: Round | None = None) -> str:
        return reverse("round_report", args=[self.org_a.uuid, (round_ or self.round).uuid])

    def fetch(self, language: str = "nl", kind: str = "full") -> bytes:
        """As a reader: ask for the report, let the worker make it, download it."""
        self.client.force_login(self.bob)
        self.client.cookies["django_language"] = language
        with no_rendering(), self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(self.url(), {"kind": kind}).status_code, 302)
        with self.assertNoLogs("cjgscan.lib.typeset", "WARNING"):  # Typst's warnings: a font it lacks, say
            run_report_tasks()
        report = StoredReport.objects.get(round=self.round, kind=kind, language=language, status="ready")
        with no_rendering():
            response = self.client.get(reverse("report_download", args=[self.org_a.uuid, report.uuid]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        return response.content

    def fetched_round(self, round_: Round | None = None) -> Round:
        rounds = Round.objects.select_related("organisation", "version__instrument", "scale")
        return rounds.get(pk=(round_ or self.round).pk)

    def test_every_section_in_dutch_with_page_numbers_and_no_blank_pages(self) -> None:
        content = self.fetch()
        self.assertTrue(content.startswith(b"%PDF-"))
        pages = pdf_pages(content)
        images = png_pages(content)
        self.assertGreaterEqual(len(pages), 10)
        self.assertEqual(len(images), len(pages))
        for number, image in enumerate(images, start=1):
            self.assertGreater(dark_pixels(image), 50, f"page {number} is blank")
        text = " ".join(pages)
        with translation.override("nl"):
            headings = {
                name: _(name)
                for name in [
                    "Contents",
                    "Management summary",
                    "Scores per key",
                    "Agreed scores",
                    "Action plan",
                    "Method",
                    "Where groups see it differently",
                    "Changes since the previous round",
                    "Tips from the instrument",
                    "What was left out, and why",
                ]
            }
            respondents = _("%(total)s respondents sent their answers: %(groups)s.") % {
                "total": 12,
                "groups": _("%(list)s and %(last)s")
                % {
                    "list": f"{self.big.name} 6",
                    "last": _("%(names)s (together)") % {"names": f"{self.medium.name} + {self.tiny.name}"} + " 6",
                },
            }
            small = _("%(groups)s had fewer than %(min)s respondents") % {"groups": self.tiny.name, "min": 5}
            compared = _(
                "Compared with the previous round (%(title)s) the average score went from %(previous)s to %(current)s "
                "(%(change)s)."
            ) % {
                "title": "Meting voorjaar",
                "previous": "1,9",
                "current": "1,8",
                "change": _("%(difference)s, %(verdict)s")
                % {"difference": "−0,1", "verdict": _("the same (within the noise)")},
            }
        for name, heading in headings.items():
            self.assertIn(heading, text, name)
        self.assertIn("Inspirerende missie en visie", text)
        self.assertIn(respondents, text)
        self.assertIn(compared, text)
        self.assertIn("Inspirerende missie en visie (2,6)", text)  # the strongest key, Dutch decimal comma
        self.assertIn("4,0", text)  # the big group on S1.K1
        # Small group: named only where the report says it is shown together, and why; never its comment. The
        # markup of a comment shows as text.
        self.assertIn(small, text)
        self.assertNotIn("Herkenbaar commentaar", text)
        self.assertIn("<script>alert(0)</script> groot", text)
        # Agreed scores and the action plan of this round, not another organisation's actions.
        self.assertIn("Wij zien <b>vooruitgang</b>", text)
        self.assertIn("3,5", text)
        self.assertIn("Scholingsplan opstellen", text)
        self.assertIn("Team Oost", text)
        self.assertNotIn("Actie van een andere organisatie", text)
        # Page numbers in the footer and in the table of contents (target-counter).
        with translation.override("nl"):
            page_word, method = _("Page"), _("Method")
        self.assertIn(f"{page_word} 2 / {len(pages)}", pages[1])
        method_page = next(n for n, page in enumerate(pages, start=1) if headings["What was left out, and why"] in page)
        self.assertRegex(pages[1], rf"{method} ?\.+ ?{method_page}\b")
        # Tagged PDF: the headings are H1 (the title) and H2 (a chapter or key each).
        struct = subprocess.run(["pdfinfo", "-struct", "-"], input=content, capture_output=True, check=True)  # noqa: S607
        # pdfinfo prints the structure's text strings (alternative texts) as they are stored: UTF-16 for Typst.
        tags = [line.split()[0] for line in struct.stdout.decode(errors="replace").splitlines() if line.strip()]
        self.assertEqual(tags.count("H1"), 1)
        # contents, summary, scores, discuss, agreed, plan, method, appendix, 7 keys
        self.assertEqual(tags.count("H2"), 15)
        self.assertGreater(tags.count("H3"), 7)

    def test_english_when_the_user_reads_english(self) -> None:
        text = pdf_text(self.fetch("en"))
        for heading in ["Management summary", "Scores per key", "Agreed scores", "Action plan", "Method", "Contents"]:
            self.assertIn(heading, text)
        self.assertIn("Inspiring mission and vision (2.6)", text)
        self.assertIn("12 respondents sent their answers", text)
        self.assertIn("Compared with the previous round (Meting voorjaar) the average score went from 1.9 to 1.8", text)
        self.assertIn("<script>alert(0)</script> groot", text)
        self.assertIn("Tips from the instrument", text)
        # The method page says, in words, which groups are shown together and why.
        self.assertIn("Kleine groep Zichtbaar had fewer than 5 respondents", text)
        self.assertIn("a small group could otherwise be derived by subtracting the other columns", text)

    def test_the_command_writes_the_same_file_as_the_download(self) -> None:
        downloaded = self.fetch("en")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            call_command(
                "report", str(self.round.uuid), "-o", str(path), "--language", "en", "--appendix", stderr=io.StringIO()
            )
            written = path.read_bytes()
        self.assertEqual(written, downloaded)

    def test_no_rendering_catches_typesetting(self) -> None:
        # The guard every request in these tests runs under: it fails when the report is typeset.
        with no_rendering(), self.assertRaisesMessage(AssertionError, "a PDF rendered in a request"):
            render_report_pdf(self.fetched_round(), "nl")

    def test_the_command_explains_a_wrong_round(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "no round"):
            call_command("report", "999999", "-o", "/dev/null")
        with self.assertRaisesMessage(CommandError, "not a round"):
            call_command("report", "meting", "-o", "/dev/null")

    def test_a_fixed_number_of_queries(self) -> None:
        round_ = self.fetched_round()
        with self.assertNumQueries(22) as before:  # 18 + both rounds' releases and their cells
            report_context(round_, appendix=True)
        for _n in range(10):
            make_response(self.round, self.medium, {"S2.K1": "v3", "S3.K1": "v2"}, comments={"S2": "Meer"})
        release(self.round)
        Action.objects.create(organisation=self.org_a, round=self.round, title="Nog een actie")
        AgreedScore.objects.create(round=self.round, theme_code="S2", score=Decimal("2.0"), reasoning="Samen")
        round_ = self.fetched_round()
        with self.assertNumQueries(len(before.captured_queries)):
            report_context(round_, appendix=True)

    def test_the_board_report_discusses_what_the_results_page_discusses(self) -> None:
        from cjgscan.analysis.discuss_results import discussion

        round_ = self.fetched_round()
        with translation.override("nl"):
            context = report_context(round_)
            topics = discussion(round_results(round_)).topics
            heading = _("Three things to discuss")
        text = pdf_text(render_report_pdf(round_, "nl"))
        assert topics and len(context["discuss"]) == len(topics)
        self.assertIn(heading, text)
        for sentence, topic in zip(context["discuss"], topics, strict=True):
            assert sentence.startswith("Lage score: " if topic.kind == "low" else "Groepen verschillen: "), sentence
            assert " ".join(sentence.split()) in text, sentence

    def test_the_first_round_says_there_is_nothing_to_compare(self) -> None:
        with translation.override("nl"):
            context = report_context(self.fetched_round(self.previous))
            expected = _(
                "This is the first round of this instrument for the organisation: there is no earlier round to "
                "compare with."
            )
        self.assertEqual(context["changes_opening"], expected)
        self.assertEqual(context["changes"], [])
        self.assertIsNone(context.get("comparison"))

    def test_too_few_respondents_shows_no_figures(self) -> None:
        unrelease(self.round)
        Round.objects.filter(pk=self.round.pk).update(min_group_size=20)
        release(Round.objects.get(pk=self.round.pk))
        text = pdf_text(self.fetch("en"))
        self.assertIn("at least 20 respondents", text)
        self.assertNotIn(self.big.name, text)
        self.assertNotIn("alert(0)", text)
        self.assertIn("No release yet (a release needs at least 20 respondents)", text)

    def test_members_download_outsiders_get_404(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), {"kind": "board"}).status_code, 404)
        self.client.force_login(self.carol)
        other = make_round(self.org_b)
        self.assertEqual(self.client.get(self.url(other)).status_code, 404)
        pdf = self.fetch("nl", "board")  # Bob, a reader, may ask for it and download it
        self.assertTrue(pdf.startswith(b"%PDF-"))
        report = StoredReport.objects.get(round=self.round, kind="board")
        download = reverse("report_download", args=[self.org_a.uuid, report.uuid])
        response = self.client.get(download)
        with translation.override("nl"):
            self.assertIn(f'filename="meting-najaar-{_("report")}.pdf"', response["Content-Disposition"])
        # Another organisation's member (Dave), or the address under another organisation: not found.
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(download).status_code, 404)
        self.client.force_login(self.carol)
        elsewhere = reverse("report_download", args=[self.org_b.uuid, report.uuid])
        self.assertEqual(self.client.get(elsewhere).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("report_status", args=[self.org_b.uuid, report.uuid])).status_code, 404
        )
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)
        self.assertEqual(self.client.get(download).status_code, 302)

    def test_the_results_page_links_to_the_report(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(reverse("results_overview", args=[self.org_a.uuid, self.round.uuid]))
        self.assertContains(page, f'href="{self.url()}"')
        with translation.override("nl"):
            self.assertContains(page, _("Report (PDF)"))
        # The old address of the download leads to the report page.
        old = self.client.get(reverse("round_report_pdf", args=[self.org_a.uuid, self.round.uuid]))
        self.assertRedirects(old, self.url())


class SummaryTests(BaseTestCase):
    """The written summary in the cases the main fixture does not reach."""

    def test_signed_numbers(self) -> None:
        from cjgscan.reports.summary import signed

        with translation.override("nl"):
            self.assertEqual(signed(0.44), "+0,4")
            self.assertEqual(signed(-0.5), "−0,5")
            self.assertEqual(signed(0.01), "0,0")

    def test_one_group_cannot_be_compared_and_a_small_previous_round_is_not_used(self) -> None:
        earlier = make_round(self.org_a, title="Vorig jaar", opens_on=datetime.date(2025, 1, 1))
        make_response(earlier, earlier.groups.all()[0], {"S1.K1": "v1"})  # 1 respondent: below the minimum
        current = make_round(self.org_a, title="Dit jaar")
        group = current.groups.all()[0]
        for _n in range(5):
            make_response(current, group, {"S1.K1": "v3"})
        assert not release(earlier).accepted
        release(current)
        make_round(self.org_b, title="Andere organisatie", opens_on=datetime.date(2025, 6, 1))
        round_ = Round.objects.select_related("organisation", "version__instrument", "scale").get(pk=current.pk)
        with translation.override("en"):
            context = report_context(round_)
        self.assertEqual(context["previous"].round, earlier)
        self.assertEqual(
            context["changes_opening"], "The previous round (Vorig jaar) had too few respondents to compare with."
        )
        self.assertEqual(
            context["gaps_opening"], "Only one group can be shown on its own, so groups cannot be compared."
        )
        self.assertIsNone(context["comparison"])
        self.assertEqual(context["results"].release.explanations, [])  # one group, shown on its own


def test_without_dejavu_sans_the_report_says_what_to_install(tmp_path: Path) -> None:
    assert typeset.font_folder().joinpath(typeset.FONT_FILE).is_file()  # this machine has it (CI installs it)
    with (
        mock.patch.object(typeset, "FONT_FOLDERS", (str(tmp_path),)),
        pytest.raises(ImproperlyConfigured, match="fonts-dejavu-core"),
    ):
        typeset.font_folder()
