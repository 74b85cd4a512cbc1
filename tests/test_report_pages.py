"""The PDF reports as a reader gets them: every word on the page, the board report short, the tagging a screen
reader needs, the summary's counts and changes. Rendered for real (Typst), read back with poppler and
pikepdf."""

import datetime
import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from cjgscan.analysis import trend
from cjgscan.analysis.trend_results import organisation_trend
from cjgscan.development.models import Action, AgreedScore
from cjgscan.instruments.models import Item, Theme
from cjgscan.reports.report import render_report_pdf, report_context
from cjgscan.rounds.models import RespondentGroup, Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release
from tests.pdfcheck import MM, tagging, words, words_outside
from tests.test_report import pdf_text

MARGIN_MM = 16  # cjgscan/reports/typst/document.typ: page margin 16 mm at the sides
LONG_NAMES = [
    "Bestuur en directie van de stichting",
    "Management en teamleiders",
    "Jeugdverpleegkundigen en jeugdartsen",
    "Gezinscoaches en pedagogen",
    "Partnerorganisaties onderwijs en zorg",
    "Gemeente beleidsmedewerkers jeugd",
    "Overig",
]


def answers_for(items: list[Item], group: int, person: int) -> dict[str, str]:
    """Answers that differ by group (so that many pairs of groups see a characteristic differently), with one
    respondent in five answering otherwise (so that there is spread)."""
    shift = person if person == 4 else 0
    return {item.code: f"v{1 + (group + n + shift) % 4}" for n, item in enumerate(items)}


class WideReportTests(BaseTestCase):
    """Seven groups with long names, all 51 characteristics answered, comments, a previous round, a plan."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        today = datetime.date(2026, 10, 1)
        cls.previous = make_round(cls.org_a, title="Meting voorjaar", opens_on=today.replace(month=3))
        cls.round = make_round(cls.org_a, title="Meting najaar met een wat langere titel", opens_on=today)
        for round_, shift in ((cls.previous, 1), (cls.round, 0)):
            RespondentGroup.objects.filter(round=round_).delete()
            items = list(Item.objects.filter(theme__version=round_.version_id).order_by("theme__number", "position"))
            themes = list(Theme.objects.filter(version=round_.version_id))
            for g, name in enumerate(LONG_NAMES):
                group = RespondentGroup.objects.create(round=round_, name=name, position=g).with_code_hash()
                group.save()
                for person in range(5):
                    comments = (
                        {
                            t.code: f"Opmerking van {name} over {t.code}, wat langer dan één regel " * 2
                            for t in themes[:2]
                        }
                        if person == 0
                        else None
                    )
                    make_response(round_, group, answers_for(items, g + shift, person), comments=comments)
            release(round_)
        for n, code in enumerate(["S1", "S2", "S3", "S4", "S5", "S6", "S7"]):
            AgreedScore.objects.create(
                round=cls.round, theme_code=code, score=Decimal("2.5"), reasoning="Besproken " * 12
            )
            Action.objects.create(
                organisation=cls.org_a,
                round=cls.round,
                theme_code=code,
                title=f"Actie {n} met een duidelijke titel",
                description="Wat we gaan doen " * 8,
                owner_name="Teamleider Oost",
                due_on=datetime.date(2027, 3, 1),
            )

        rounds = Round.objects.select_related("organisation", "version__instrument", "scale")
        cls.board = render_report_pdf(rounds.get(pk=cls.round.pk), "nl")
        cls.full = {
            language: render_report_pdf(rounds.get(pk=cls.round.pk), language, appendix=True)
            for language in ("nl", "en")
        }

    def fetched(self) -> Round:
        return Round.objects.select_related("organisation", "version__instrument", "scale").get(pk=self.round.pk)

    def test_every_word_of_every_page_inside_the_printable_area_in_dutch_and_english(self) -> None:
        for name, content in [("board nl", self.board), ("full nl", self.full["nl"]), ("full en", self.full["en"])]:
            with self.subTest(name):
                pages, found = words(content)
                self.assertGreater(len(found), 1000)
                outside = [(w.page, w.text, round(w.x_max)) for w in words_outside(content, MARGIN_MM)]
                self.assertEqual(outside, [], f"{name}: words past the margin of {pages[0][0]:.0f} pt pages")
        # The group columns of the characteristics tables share the page width: the last one ends at the margin.
        pages, found = words(self.full["nl"])
        with translation.override("nl"):
            caption = _("Mean score per characteristic and group").split()[0]
        table_pages = {w.page for w in found if w.text == caption}
        means = [w for w in found if w.page in table_pages and re.fullmatch(r"\d,\d", w.text)]
        right = pages[0][0] - MARGIN_MM * MM
        self.assertGreater(max(w.x_max for w in means), right - 8)

    def test_the_board_report_is_short_and_the_appendix_adds_a_chapter_per_key(self) -> None:
        board_pages, _found = words(self.board)
        full_pages, _found = words(self.full["nl"])
        self.assertLessEqual(len(board_pages), 12)
        self.assertGreater(len(full_pages), len(board_pages) + 7)
        board, full = pdf_text(self.board), pdf_text(self.full["nl"])
        with translation.override("nl"):
            for heading in ["Management summary", "Scores per key", "Agreed scores", "Action plan", "Method"]:
                self.assertIn(_(heading), board)
            self.assertNotIn(_("Tips from the instrument"), board)
            self.assertIn(_("Tips from the instrument"), full)
            self.assertIn(_("Appendix: the keys one by one"), full)
        self.assertIn("Actie 6 met een duidelijke titel", board)
        self.assertIn("Besproken", board)

    def test_tagged_for_screen_readers_language_title_headings_and_alternative_text(self) -> None:
        for language, content in [("nl", self.board), ("nl", self.full["nl"]), ("en", self.full["en"])]:
            with self.subTest(language):
                found = tagging(content)
                self.assertTrue(found.marked)
                self.assertEqual(found.language, language)
                self.assertTrue(found.display_title)
                self.assertIn("Meting najaar met een wat langere titel", found.title)
                self.assertEqual(found.ua_part, "1")
                self.assertEqual(found.tags.count("H1"), 1)
                self.assertGreaterEqual(found.tags.count("H2"), 6)
                for tag in ("Table", "TH", "Caption", "L", "LI"):
                    self.assertIn(tag, found.tags)
                self.assertGreater(found.tags.count("Figure"), 0)
                self.assertEqual(found.figures_without_alt, 0)
        full = tagging(self.full["nl"])
        self.assertEqual(full.tags.count("Figure"), 2 + 7 + 51)  # radar, comparison, a legend per key, 51 bars
        self.assertIn("Antwoorden op S7.K7", full.figure_alts)

    def test_the_summary_counts_keys_and_characteristics_not_pairs_of_groups(self) -> None:
        with translation.override("en"):
            context = report_context(self.fetched())
        gaps = context["results"].gaps()
        subjects = {(type(g.subject), g.subject.pk) for g in gaps}
        self.assertGreater(len(gaps), len(subjects))  # seven groups: many pairs per characteristic
        self.assertIn(
            f"Groups see {len(subjects)} of the 58 keys and characteristics differently", context["gaps_opening"]
        )

    def test_every_change_carries_the_trend_pages_judgement(self) -> None:
        with translation.override("en"):
            context = report_context(self.fetched(), appendix=True)
            trend_of = organisation_trend(self.org_a, self.round.version.instrument)
            verdicts = {}
            for theme in trend_of.themes:
                found = trend_of.change("", theme.code, 0, 1)
                verdicts[theme.code] = (found.difference, str(trend.VERDICTS[found.verdict]))
            for page in context["keys"]:
                difference, words_ = verdicts[page["theme"].code]
                self.assertAlmostEqual(page["change"].difference, difference)
                self.assertIn(words_, page["change_words"])
            for line in context["changes"]:
                self.assertTrue(str(trend.VERDICTS[trend.UP]) in line or str(trend.VERDICTS[trend.DOWN]) in line, line)
            self.assertTrue(any(str(v) in context["changes_opening"] for v in trend.VERDICTS.values()))
