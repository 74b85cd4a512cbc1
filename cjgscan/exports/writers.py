"""Tables to CSV, streamed in chunks: bounded memory. XLSX workbooks are made in cjgscan/exports/workbook.py.

Every text cell passes through safe_cell, so nothing a respondent or user typed runs as a formula.
"""

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from cjgscan.exports.tables import Table
from cjgscan.lib.spreadsheet import CSV_BOM, safe_cell, safe_row
from cjgscan.lib.xlsx import TEXT, Column, Sheet, write_workbook

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
DELIMITERS = (";", ",")
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_BYTES = 64 * 1024


def csv_number(value: float | int, decimal: str) -> str:
    """A number as a spreadsheet in the matching locale reads it: 3,25 next to ';' (Dutch Excel), 3.25 next to ','."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text:  # tiny shares: write them out, a spreadsheet may not read 1e-05
        text = f"{value:.20f}".rstrip("0")
    return text.replace(".", decimal)


def csv_cell(value: Any, decimal: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return csv_number(value, decimal)
    return safe_cell(str(value))


def csv_chunks(table: Table, delimiter: str = ";") -> Iterator[bytes]:
    """UTF-8 with a byte order mark (so Excel reads the accents), in chunks of about 64 kB."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS}")
    decimal = "," if delimiter == ";" else "."
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    buffer.write(CSV_BOM)
    writer.writerow(safe_row(table.header))
    for row in table.rows:
        writer.writerow([csv_cell(value, decimal) for value in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(table: Table, file: IO[bytes]) -> None:
    """One table as a one-sheet workbook (header in bold, frozen and filtered), e.g. the werksessie's notes."""
    columns = [Column(str(title), TEXT, 24) for title in table.header]
    write_workbook([Sheet(table.title, columns, table.rows)], file)


def write_csv(table: Table, file: IO[bytes], delimiter: str = ";") -> None:
    """The bytes a CSV download of this table would give, into an open binary file (XLSX: exports/workbook.py)."""
    for chunk in csv_chunks(table, delimiter):
        file.write(chunk)
