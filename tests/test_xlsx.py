"""The XLSX writer (cjgscan/lib/xlsx.py) read back with openpyxl, and the export workbook people open in Excel."""

import io
import math
from typing import Any

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cjgscan.analysis.results import round_results
from cjgscan.lib.xlsx import (
    DECIMAL_1,
    DECIMAL_2,
    INTEGER,
    PERCENT,
    TEXT,
    XML_ILLEGAL,
    Column,
    Sheet,
    column_letter,
    write_workbook,
)
from cjgscan.rounds.models import Round
from tests.stored_exports import download_answers
from tests.test_exports import ExportTestCase


def written(sheets: list[Sheet]) -> Any:
    file = io.BytesIO()
    write_workbook(sheets, file)
    file.seek(0)
    return load_workbook(file)


def test_column_letters() -> None:
    assert [column_letter(n) for n in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_formats_frozen_header_filter_and_widths() -> None:
    columns = [
        Column("Code", TEXT, 8),
        Column("Aantal", INTEGER, 10),
        Column("Gemiddelde", DECIMAL_2, 12),
        Column("Mediaan", DECIMAL_1, 12),
        Column("Deel", PERCENT, 9),
    ]
    workbook = written([Sheet("Cijfers", columns, [["S1", 7, 2.345678, 2.5, 0.25], ["S2", 3, 1.0, 1.5, 1.0]])])
    sheet = workbook["Cijfers"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert [cell.number_format for cell in sheet[2]] == ["General", "0", "0.00", "0.0", "0%"]
    assert sheet["C2"].value == 2.345678  # stored in full precision, shown with two decimals
    assert sheet["A1"].font.b and sheet["A1"].value == "Code"
    assert [sheet.column_dimensions[letter].width for letter in "ABCDE"] == [8, 10, 12, 12, 9]


def test_text_never_becomes_a_formula_and_illegal_characters_go() -> None:
    rows = [['=HYPERLINK("http://x")'], ["+1"], ["-2"], ["@SUM(A1)"], ["\t=1"], ["a\x00b\x1fc"], ["  spaties  "]]
    sheet = written([Sheet("Tekst", [Column("T")], rows)])["Tekst"]
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert values == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\t=1", "abc", "  spaties  "]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_empty_values_and_sheet_names_excel_accepts() -> None:
    columns = [Column("A"), Column("B", DECIMAL_2)]
    workbook = written(
        [
            Sheet("Scores: [per] sleutel/groep en nog veel meer tekst", columns, [[None, math.nan], ["x", math.inf]]),
            Sheet("scores: [per] sleutel/groep en nog veel meer tekst", columns, []),
            Sheet("Toelichting", [Column("T")], [], filter=False),
        ]
    )
    first, second, third = workbook.worksheets
    assert len(first.title) <= 31 and not set(first.title) & set("[]:*?/\\")
    assert second.title != first.title and second.title.endswith("(2)")
    assert [[c.value for c in row] for row in first.iter_rows(min_row=2)] == [[None, None], ["x", None]]
    assert third.auto_filter.ref is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=40),
            st.integers(min_value=-(2**53), max_value=2**53),
            st.floats(allow_nan=False, allow_infinity=False, width=64),
            st.none() | st.booleans(),
        ),
        max_size=30,
    )
)
def test_any_rows_read_back_as_written(rows: list[tuple[str, int, float, bool | None]]) -> None:
    columns = [Column("Tekst"), Column("Geheel", INTEGER), Column("Getal", DECIMAL_2), Column("Ja/nee")]
    sheet = written([Sheet("Blad", columns, rows)])["Blad"]
    back = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_col=4)]
    assert len(back) == len(rows)
    for (text, whole, real, flag), (text_back, whole_back, real_back, flag_back) in zip(rows, back, strict=True):
        cleaned = XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        expected = ("'" + cleaned) if cleaned.startswith(("=", "+", "-", "@", "\t")) else cleaned
        if text.startswith("\r"):
            expected = "'" + XML_ILLEGAL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
        assert (text_back or "") == expected
        assert whole_back == whole
        assert real_back == real
        assert flag_back == (None if flag is None else str(flag))


class ExportWorkbookTests(ExportTestCase):
    def workbook(self, kind: str = "cijfers", round_: Round | None = None) -> Any:
        self.client.force_login(self.alice)
        if kind == "antwoorden":
            return load_workbook(io.BytesIO(download_answers(self.client, round_ or self.round, "xlsx")))
        response = self.client.get(self.url(round_, inhoud=kind, formaat="xlsx"))
        assert response.status_code == 200
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]

    def test_figures_come_as_key_scores_characteristics_distribution_and_explanation(self) -> None:
        workbook = self.workbook()
        assert workbook.sheetnames == ["Sleutels", "Kenmerken", "Verdeling", "Toelichting"]
        for name in ("Sleutels", "Kenmerken", "Verdeling"):
            assert workbook[name].freeze_panes == "A2" and workbook[name].auto_filter.ref, name

    def test_key_scores_are_the_dashboards(self) -> None:
        results = round_results(self.round)
        sheet = self.workbook()["Sleutels"]
        header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert header[:6] == ["Sleutel", "Titel", "Groep", "Respondenten in groep", "Score", "Percentage"]
        columns = {column.label: column.key for column in results.columns}
        themes = {theme.code: theme for theme in results.themes}
        checked = 0
        for code, _title, group, respondents, score, share, *_rest in rows:
            key = columns[group.lstrip("'")]
            expected = results.overall[key] if code is None else results.keys[themes[code].pk][key]
            assert score == expected.mean and respondents is not None
            assert share == (None if expected.percent is None else expected.percent / 100)
            checked += 1
        assert checked == len(results.columns) * (len(results.themes) + 1)
        assert sheet["E2"].number_format == "0.00" and sheet["F2"].number_format == "0%"

    def test_the_distribution_adds_up_and_the_explanation_names_the_folding(self) -> None:
        workbook = self.workbook()
        for row in workbook["Verdeling"].iter_rows(min_row=2, values_only=True):
            shares = [value for value in row[4:] if value is not None]
            if row[3]:
                assert math.isclose(sum(shares), 1.0), row
        explanation = " ".join(str(row[0]) for row in workbook["Toelichting"].iter_rows(values_only=True))
        assert "Middelgrote groep" in explanation and "Kleine groep" in explanation
        assert "Release 1" in explanation or "Vrijgave 1" in explanation or "1" in explanation

    def test_answers_have_their_sheet_and_an_explanation_in_english_too(self) -> None:
        with translation.override("en"):
            self.client.cookies["django_language"] = "en"
            workbook = self.workbook("antwoorden")
        assert workbook.sheetnames == ["Answers", "Explanation"]
        assert workbook["Answers"].freeze_panes == "A2"
        assert workbook["Answers"]["A2"].number_format == "0"

    def test_before_a_release_the_sheets_hold_only_headings_and_say_why(self) -> None:
        from tests.factories import make_response, make_round

        fresh = make_round(self.org_a, title="Nog niets vrijgegeven")
        make_response(fresh, fresh.groups.first(), {"S1.K1": "v2"})
        workbook = self.workbook(round_=fresh)
        assert workbook["Sleutels"].max_row == 1 and workbook["Kenmerken"].max_row == 1
        explanation = " ".join(str(row[0]) for row in workbook["Toelichting"].iter_rows(values_only=True))
        assert "vrijgegeven" in explanation.lower() or "released" in explanation.lower()
