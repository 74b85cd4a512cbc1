"""A streaming XLSX writer: several sheets, rows written as they come, memory flat however many rows.

Why our own: in bench/exports.py (docs/benchmarks.md) the same 510,000 answer rows took openpyxl's write-only mode
about 73 s of CPU and XlsxWriter's constant-memory mode about 38 s; writing the sheet XML directly into a deflated
zip member takes about 3 s. The format part we need is small and stable (ECMA-376 SpreadsheetML: inline strings,
numbers, a style sheet with a few number formats, a frozen header row, an autofilter, column widths), and every
file is read back with openpyxl in tests/test_xlsx.py.

Every text cell passes through `safe_cell` (no formulas from text) and loses the control characters XML cannot hold.
"""

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from cjgscan.lib.spreadsheet import safe_cell

# Column formats: the style index each uses in STYLES below.
TEXT, INTEGER, DECIMAL_1, DECIMAL_2, PERCENT, WRAPPED = "text", "integer", "decimal1", "decimal2", "percent", "wrapped"
STYLE_INDEX = {TEXT: 0, INTEGER: 2, DECIMAL_1: 3, DECIMAL_2: 4, PERCENT: 5, WRAPPED: 6}
HEADER_STYLE = 1
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
MAX_ROWS = 1_048_576
FLUSH_ROWS = 2000
# Short texts repeat from row to row (codes, group labels, answer codes): their XML is made once, for at most this
# many distinct texts per sheet, so memory stays bounded whatever the number of rows.
CACHED_TEXTS = 4096
CACHED_LENGTH = 64

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="0.00"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


@dataclass
class Column:
    title: str
    format: str = TEXT
    width: float = 12.0  # in characters, as Excel counts them


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    filter: bool = True  # an autofilter on the header row
    freeze: bool = True  # the header row stays in view while scrolling
    written: int = field(default=0, init=False)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, unique (case-insensitive)."""
    base = SHEET_NAME_ILLEGAL.sub(" ", name).strip("' ")[:31] or "Blad"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def quoted_sheet(name: str) -> str:
    """A sheet name as a formula refers to it: 'Mijn blad', with any ' doubled."""
    return "'" + name.replace("'", "''") + "'"


def cell_xml(reference: str, value: Any, style: int) -> str:
    """One cell with its reference (A1); empty text for no value."""
    return value_xml(value, f' r="{reference}" s="{style}"' if style else f' r="{reference}"')


def value_xml(value: Any, attributes: str) -> str:
    """A cell's XML with the given attributes (reference and style, either may be absent); "" for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    elif isinstance(value, int):
        return f"<c{attributes}><v>{value}</v></c>"
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return f"<c{attributes}><v>{value!r}</v></c>"
    text = XML_ILLEGAL.sub("", str(safe_cell(str(value))))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c{attributes} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _write_sheet(member: IO[bytes], sheet: Sheet) -> None:
    letters = [column_letter(n) for n in range(len(sheet.columns))]
    styles = [STYLE_INDEX[column.format] for column in sheet.columns]
    head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']
    head.append('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    if sheet.freeze:
        head.append(
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
            ' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        )
    head.append('<sheetFormatPr defaultRowHeight="15"/><cols>')
    head += [
        f'<col min="{n}" max="{n}" width="{column.width:.1f}" customWidth="1"/>'
        for n, column in enumerate(sheet.columns, start=1)
    ]
    head.append("</cols><sheetData>")
    header = "".join(cell_xml(f"{letters[n]}1", c.title, HEADER_STYLE) for n, c in enumerate(sheet.columns))
    head.append(f'<row r="1">{header}</row>')
    member.write("".join(head).encode())
    # Data cells go without their reference (a cell's place is its order in the row, an empty one keeps its place
    # as <c/>; ECMA-376 makes r optional): per cell one dictionary lookup in its column's short texts (only a text
    # equals a text, so any value may be looked up there) and, for anything else, a type test; whole numbers and
    # empty cells are written in place, other values by `cell`, which remembers short texts.
    attributes = [f' s="{style}"' if style else "" for style in styles]
    texts: list[dict[str, str]] = [{} for _column in sheet.columns]
    cached = 0

    def cell(value: Any, attribute: str, known: dict[str, str]) -> str:
        """A text, a fraction or a yes/no; a short text's XML is kept for the next time."""
        nonlocal cached
        xml = value_xml(value, attribute) or "<c/>"
        if type(value) is str and len(value) <= CACHED_LENGTH and cached < CACHED_TEXTS:
            known[value] = xml
            cached += 1
        return xml

    buffer: list[str] = []
    number = 1
    for row in sheet.rows:
        number += 1
        if number > MAX_ROWS:
            raise ValueError(f"{sheet.name}: more rows than a spreadsheet can hold ({MAX_ROWS:,})")
        cells = [
            known.get(value)
            or (
                f"<c{attribute}><v>{value}</v></c>"
                if type(value) is int
                else "<c/>"
                if value is None
                else cell(value, attribute, known)
            )
            for value, attribute, known in zip(row, attributes, texts, strict=False)
        ]
        buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(buffer) >= FLUSH_ROWS:
            member.write("".join(buffer).encode())
            buffer.clear()
    member.write("".join(buffer).encode())
    sheet.written = number - 1
    tail = "</sheetData>"
    if sheet.filter and sheet.columns:
        tail += f'<autoFilter ref="A1:{letters[-1]}{max(number, 1)}"/>'
    member.write(
        (
            tail + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>"
        ).encode()
    )


def write_workbook(sheets: Sequence[Sheet], file: IO[bytes]) -> None:
    """The workbook into an open binary file; each sheet's rows are read once, while they are written."""
    taken: set[str] = set()
    names = [sheet_name(sheet.name, taken) for sheet in sheets]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relationships}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/styles.xml", STYLES)
        for n, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as member:
                _write_sheet(member, sheet)
        # The workbook goes last: its filter ranges need each sheet's row count.
        sheet_entries = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{escape(quoted_sheet(name))}!$A$1:${column_letter(len(sheet.columns) - 1)}$"
            f"{sheet.written + 1}</definedName>"
            for n, (name, sheet) in enumerate(zip(names, sheets, strict=True))
            if sheet.filter and sheet.columns
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>{sheet_entries}</sheets>'
            + (f"<definedNames>{filters}</definedNames>" if filters else "")
            + "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{relationships}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        styles_rel = f'<Relationship Id="rId{len(sheets) + 1}" Type="{relationships}/styles" Target="styles.xml"/>'
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}{styles_rel}</Relationships>",
        )
