"""Hostile uploads (issue 13, item 3): every upload that is parsed (invitation addresses as CSV or XLSX, the paper
CSV import, an instrument's YAML) is bounded before the parser sees it, and refused with a Dutch message on the
form; nothing is saved, and the request stays within a memory and time budget.

The budgets are generous for a loaded 2-CPU machine; the attacks they stop took 1.4 GB and 25 s (XLSX) or ended
in a 500 (YAML), so a regression is far outside them.
"""

import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cjgscan.instruments.models import Instrument
from cjgscan.lib import uploads
from cjgscan.rounds.models import Invitation, Response
from tests.base import BaseTestCase
from tests.factories import make_round, make_user
from tests.test_invitations import xlsx
from tests.test_paper import PaperTestCase

FILE_ERROR = re.compile(r'<div class="utrecht-form-field-error-message" id="id_file_error">([^<]*)</div>')
MAX_PEAK_BYTES = 64 * 1024 * 1024
MAX_SECONDS = 20.0


@contextmanager
def bounded() -> Iterator[None]:
    """Fail unless the block allocates at most MAX_PEAK_BYTES (Python allocations) and ends within MAX_SECONDS."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        yield
    finally:
        seconds = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert seconds < MAX_SECONDS, f"{seconds:.1f} s"


def xlsx_with(parts: dict[str, Callable[[Any], None]]) -> bytes:
    """A real XLSX (made by openpyxl) with some of its parts replaced; each writer gets an open, deflating
    member to stream into, so that a part of many MB never sits in the test's memory either."""
    original = zipfile.ZipFile(io.BytesIO(xlsx([["email"], ["a@example.nl"]])))
    out = io.BytesIO()
    with original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as made:
        names = [info.filename for info in original.infolist()]
        for name in names:
            if name not in parts:
                made.writestr(name, original.read(name))
        for name, write in parts.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with made.open(info, "w", force_zip64=True) as member:
                write(member)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def sheet(rows: Iterator[bytes], dimension: bytes = b"") -> Callable[[Any], None]:
    def write(member: Any) -> None:
        member.write(SHEET_HEAD + dimension + b"<sheetData>")
        member.write(b"".join(rows))
        member.write(b"</sheetData></worksheet>")

    return write


class InvitationUploadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, min_group_size=3)
        cls.group = cls.round.groups.first()

    def add(self, name: str, content: bytes) -> Any:
        self.client.force_login(self.alice)
        url = reverse("invitation_add", args=[self.org_a.uuid, self.round.uuid])
        self.client.get(reverse("invitation_list", args=[self.org_a.uuid, self.round.uuid]))  # imports done first
        with bounded():
            response = self.client.post(url, {"group": str(self.group.uuid), "file": SimpleUploadedFile(name, content)})
        self.assertEqual(response.status_code, 200)  # the page again, with the message on the form
        self.assertFalse(Invitation.objects.exists())
        match = FILE_ERROR.search(response.content.decode())
        assert match, "no message on the file field"
        return match.group(1)

    def test_a_zip_bomb_is_refused_before_unpacking(self) -> None:
        def bomb(member: Any) -> None:  # 64 MB of rows that deflate to about 60 KB
            row = b'<row><c t="inlineStr"><is><t>a@example.nl</t></is></c></row>' * 1024
            for _ in range(64 * 1024 * 1024 // len(row)):
                member.write(row)

        content = xlsx_with({"xl/worksheets/sheet1.xml": bomb})
        self.assertLess(len(content), 700 * 1024)
        response = self.add("lijst.xlsx", content)
        self.assertIn("Uitgepakt is het Excel-bestand groter dan 16 MB", response)

    def test_a_part_that_is_compressed_too_well_is_refused(self) -> None:
        def dense(member: Any) -> None:  # 8 MB, under the total, but 1,000 times smaller packed
            member.write(b" " * (8 * 1024 * 1024))

        response = self.add("lijst.xlsx", xlsx_with({"xl/styles.xml": dense}))
        self.assertIn("Het Excel-bestand is veel dichter ingepakt dan een spreadsheet kan zijn", response)

    def test_a_declared_dimension_of_a_whole_sheet_is_refused(self) -> None:
        """The 89 KB file that held a worker for 25 s: openpyxl pads every row to the declared width."""
        rows = iter([b'<row r="1"><c r="A1" t="inlineStr"><is><t>a@example.nl</t></is></c></row>'])
        content = xlsx_with({"xl/worksheets/sheet1.xml": sheet(rows, b'<dimension ref="A1:XFD1048576"/>')})
        response = self.add("lijst.xlsx", content)
        self.assertIn("Het bestand heeft meer dan 250.000 cellen", response)

    def test_too_many_cells_are_refused(self) -> None:
        rows = (
            f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>1</v></c></row>'.encode() for n in range(1, 130_001)
        )
        response = self.add("lijst.xlsx", xlsx_with({"xl/worksheets/sheet1.xml": sheet(rows)}))
        self.assertIn("Het bestand heeft meer dan 250.000 cellen", response)

    def test_huge_shared_strings_are_refused(self) -> None:
        def strings(member: Any) -> None:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for start in range(0, 260_000, 1000):
                member.write(b"".join(b"<si><t>%d@example.nl</t></si>" % n for n in range(start, start + 1000)))
            member.write(b"</sst>")

        response = self.add("lijst.xlsx", xlsx_with({"xl/sharedStrings.xml": strings}))
        self.assertIn("Het bestand heeft meer dan 250.000 cellen", response)

    def test_a_csv_with_too_many_cells_is_refused(self) -> None:
        response = self.add("lijst.csv", b"a@example.nl" + b";" * (1024 * 1024))
        self.assertIn("Het bestand heeft meer dan 250.000 cellen", response)

    def test_an_over_size_csv_is_refused(self) -> None:
        response = self.add("lijst.csv", b"a@example.nl\n" * (3 * 1024 * 1024 // 13))
        self.assertIn("Het bestand is groter dan 2 MB", response)

    def test_an_ordinary_xlsx_still_works(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("invitation_add", args=[self.org_a.uuid, self.round.uuid])
        content = xlsx(
            [["Naam", "e-mail", *[f"kolom {n}" for n in range(20)]]] + [["x", f"p{n}@example.nl"] for n in range(2000)]
        )
        response = self.client.post(
            url, {"group": str(self.group.uuid), "file": SimpleUploadedFile("lijst.xlsx", content)}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Invitation.objects.count(), 2000)


class CountingTests(BaseTestCase):
    def test_tags_cut_by_a_chunk_border_are_counted_once(self) -> None:
        for offset in range(0, 40):
            data = b" " * (uploads.CHUNK - offset) + b"<c r='A1'/>" * 10 + b"<x:c>" * 5 + b"<b" + b" " * 70_000 + b"<c>"
            member = io.BytesIO(data)
            self.assertEqual(uploads._count(member, uploads.CELL, 1000)[0], 16, offset)


class PaperImportBoundsTests(PaperTestCase):
    def test_a_csv_with_too_many_cells_is_refused_before_parsing(self) -> None:
        self.client.force_login(self.carol)
        header = "group;profession;S1.K1"
        upload = io.BytesIO((header + "\r\n" + ";" * (1900 * 1024)).encode())
        upload.name = "formulieren.csv"
        self.client.get(reverse("paper_import", args=[self.org_a.uuid, self.round.uuid]))  # imports done first
        with bounded():
            response = self.client.post(
                reverse("paper_import", args=[self.org_a.uuid, self.round.uuid]), {"file": upload}
            )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Het bestand heeft meer dan")
        self.assertContains(response, "cellen")
        self.assertFalse(Response.objects.exists())


class InstrumentYamlBoundsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin = make_user("Beheer", is_staff=True, is_superuser=True)

    def upload(self, content: str) -> Any:
        self.client.force_login(self.admin)
        before = Instrument.objects.count()
        self.client.get(reverse("instrument_upload"))  # the first request imports every view: not part of the budget
        with bounded():
            response = self.client.post(
                reverse("instrument_upload"), {"file": SimpleUploadedFile("diep.yaml", content.encode())}
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Instrument.objects.count(), before)
        return response

    def test_100000_levels_deep_is_a_message_not_a_500(self) -> None:
        for text in ("[" * 100_000 + "]" * 100_000, "{a: " * 100_000 + "1" + "}" * 100_000, "- " * 100_000 + "x"):
            with self.subTest(text[:6]):
                self.assertContains(self.upload(text), "is dieper genest dan 40 niveaus")

    def test_aliases_are_refused(self) -> None:
        """A "billion laughs": nine levels of aliases, ten times each, would be 10⁹ values once stored as JSON."""
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
        response = self.upload("\n".join(lines))
        self.assertContains(response, "gebruikt ankers en verwijzingen (&amp; en *)")

    def test_the_command_line_gets_the_same_message(self) -> None:
        from cjgscan.instruments.loader import parse_text
        from cjgscan.instruments.schema import InstrumentFileError

        with self.assertRaises(InstrumentFileError) as caught:
            parse_text("[" * 100_000 + "]" * 100_000, "diep.yaml")
        self.assertEqual(caught.exception.problems, ["file: is nested more than 40 levels deep"])

    @mock.patch("cjgscan.instruments.loader.MAX_NODES", 50)
    def test_too_many_values_are_refused(self) -> None:
        self.assertContains(self.upload("[" + ", ".join(["x"] * 60) + "]"), "bevat meer dan 50 waarden")
