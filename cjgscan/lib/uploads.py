"""Bounds on uploaded spreadsheets, checked before a parser sees them.

A 613 KB XLSX can unpack to gigabytes (a zip bomb), and openpyxl pads every row to the width the sheet *declares*
(`<dimension ref="A1:XFD1048576"/>`), so an 89 KB file held a worker for 25 s at 1.4 GB. Everything here reads
only the zip's directory and streams the XML once, counting, in a few MB of memory whatever the file claims.
zipfile itself stops every member at the size its directory entry declares (it truncates at `file_size` and
then fails the CRC), so checking the declared sizes bounds what any later reader can unpack.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# An address list of 5,000 addresses is about 0.5 MB of sheet XML; these leave room for wide exports from a CRM.
XLSX_MAX_UNCOMPRESSED = 16 * 1024 * 1024
# Sheet XML compresses about 5-20 times; far more means a file made to unpack big, not an address list.
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 1024 * 1024  # small parts may compress oddly well; only parts above this are judged by ratio
XLSX_MAX_PARTS = 1000

CHUNK = 64 * 1024
DIMENSION = re.compile(rb"<(?:\w{1,10}:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\"")
OVERLAP = 32  # longer than any tag counted: a "<" further back than this cannot start one that is cut off


@dataclass(frozen=True)
class Tag:
    """An element to count: <name ...>, <name>, <name/>, also with a namespace prefix (some writers use <x:c>).
    The plain forms are counted with bytes.count (no objects made per match, whatever the count)."""

    name: bytes

    @property
    def plain(self) -> list[bytes]:
        return [b"<" + self.name + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")]

    @property
    def prefixed(self) -> re.Pattern[bytes]:
        return re.compile(rb"<\w{1,10}:" + re.escape(self.name) + rb"[\s>/]")

    def count(self, data: bytes) -> int:
        return sum(data.count(form) for form in self.plain) + sum(1 for _match in self.prefixed.finditer(data))


CELL = Tag(b"c")
SHARED_STRING = Tag(b"si")


class UploadError(ValueError):
    """The file is refused as a whole; the message (in the user's language) says why."""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number


def _count(member: IO[bytes], tag: Tag, limit: int) -> tuple[int, bytes]:
    """How often the tag occurs in the member (streamed), stopping past `limit`; also the member's head."""
    count, tail, head = 0, b"", b""
    while True:
        chunk = member.read(CHUNK)
        window = tail + chunk
        head = head or window[:4096]
        if not chunk:
            return count + tag.count(window), head
        # A tag cut by the chunk's end starts at the last "<": keep that piece for the next chunk.
        last = window.rfind(b"<")
        if last >= 0 and len(window) - last <= OVERLAP:
            window, tail = window[:last], window[last:]
        else:
            tail = b""
        count += tag.count(window)
        if count > limit:
            return count, head


def too_many_cells(limit: int) -> UploadError:
    return UploadError(
        _("The file has more than %(count)s cells; save only the columns needed, or split it.")
        % {"count": number_format(limit, force_grouping=True)}
    )


def check_xlsx(data: bytes, max_cells: int) -> None:
    """Refuse an XLSX whose parts unpack too big or too compressed, or whose sheets hold or declare more than
    `max_cells` cells (or more shared strings than that). Raises UploadError."""
    unreadable = UploadError(_("The Excel file cannot be read."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    with archive:
        parts = archive.infolist()
        too_big = UploadError(
            _("The Excel file unpacks to more than %(size)d MB; an address list is far smaller.")
            % {"size": XLSX_MAX_UNCOMPRESSED // (1024 * 1024)}
        )
        if len(parts) > XLSX_MAX_PARTS:
            raise unreadable
        if sum(part.file_size for part in parts) > XLSX_MAX_UNCOMPRESSED:
            raise too_big
        for part in parts:
            if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
                raise UploadError(
                    _(
                        "The Excel file is packed far more tightly than a spreadsheet can be; a file like that is "
                        "made to fill the memory, and it is not read."
                    )
                )
        try:
            for part in parts:
                name = part.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(part) as member:
                        cells, head = _count(member, CELL, max_cells)
                    if cells > max_cells:
                        raise too_many_cells(max_cells)
                    if dimension := DIMENSION.search(head):
                        first_col, first_row, last_col, last_row = dimension.groups()
                        if last_col and last_row:
                            columns = _column_number(last_col) - _column_number(first_col) + 1
                            rows = int(last_row) - int(first_row) + 1
                            if columns * rows > max_cells:
                                raise too_many_cells(max_cells)
                elif name == "xl/sharedstrings.xml":
                    with archive.open(part) as member:
                        strings, _head = _count(member, SHARED_STRING, max_cells)
                    if strings > max_cells:
                        raise too_many_cells(max_cells)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError):
            raise unreadable from None


def count_text_cells(text: str, delimiters: str) -> int:
    """An upper bound on the cells a CSV text makes: one more than its delimiters and line breaks
    (quoted delimiters count too, which only errs on the safe side)."""
    return 1 + text.count("\n") + sum(text.count(delimiter) for delimiter in delimiters)
