"""Personal invitations: reading address lists, adding invitations, counting progress, queueing e-mail.

What a coordinator may learn stops at counts per group; nothing here ties an address to how far it got
beyond what the counts already tell (see DESIGN.md, anonymity).
"""

import csv
import datetime
import io
import re
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cjgscan.rounds.models import Invitation, RespondentGroup, Round

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ADDRESSES = 5000
MAX_ROWS = 50_000  # a spreadsheet with this many rows is not an address list (and may be a zip bomb)
EMAIL_COLUMN_NAMES = {"email", "e-mail", "e-mailadres", "emailadres", "email address", "e-mail address"}
SEPARATORS = re.compile(r"[\s,;]+")
STRIP_CHARS = " \t\"'<>"

validate_email = EmailValidator()


class AddressListError(ValueError):
    """The list cannot be used as a whole; the message says why, for the coordinator."""


@dataclass
class AddResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def normalise(address: str) -> str:
    return address.strip(STRIP_CHARS).lower()


def parse_text(text: str) -> list[tuple[int, str]]:
    """(line number, address) for every address in pasted text, split on newlines, commas, semicolons and
    spaces."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for part in SEPARATORS.split(line):
            if address := normalise(part):
                found.append((number, address))
    return found


def _pick_column(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, str]]:
    """(row number, address) from rows of cells: the column named like an e-mail address, else the first;
    a first row that names its columns is a header and skipped."""
    column = 0
    first = True
    for number, cells in rows:
        if first:
            first = False
            names = [normalise(str(cell or "")) for cell in cells]
            named = [i for i, name in enumerate(names) if name in EMAIL_COLUMN_NAMES]
            if named:
                column = named[0]
                continue
            if names and names[0] and "@" not in names[0]:
                continue  # a header with other names ("Naam", "Adres", ...)
        if number > MAX_ROWS:
            raise AddressListError(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
        value = cells[column] if column < len(cells) else None
        if value is not None and (address := normalise(str(value))):
            yield number, address


def _csv_rows(data: bytes) -> Generator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Dutch Windows
    if "\x00" in text:
        raise AddressListError(_("This is not a CSV file."))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)
    except csv.Error as error:
        raise AddressListError(_("The CSV file cannot be read.")) from error


def _xlsx_rows(data: bytes) -> Generator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise AddressListError(_("The Excel file cannot be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    except AddressListError:
        raise
    except Exception as error:
        raise AddressListError(_("The Excel file cannot be read.")) from error
    finally:
        workbook.close()


def parse_upload(upload: UploadedFile) -> list[tuple[int, str]]:
    """(row number, address) from an uploaded CSV or XLSX file."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise AddressListError(_("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise AddressListError(_("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise AddressListError(_("The Excel file cannot be read."))
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise AddressListError(_("Upload a CSV or an Excel (.xlsx) file."))
    found = []
    with closing(rows):  # closes the workbook also when we stop early
        for number, address in _pick_column(rows):
            found.append((number, address))
            if len(found) > MAX_ADDRESSES:
                break
    return found


def _ranges(numbers: Iterable[int]) -> str:
    """1, 2, 3, 7 → "1–3, 7"."""
    parts: list[str] = []
    start = end = None
    for n in sorted(set(numbers)):
        if end is not None and n == end + 1:
            end = n
            continue
        if start is not None:
            parts.append(f"{start}–{end}" if start != end else str(start))
        start = end = n
    if start is not None:
        parts.append(f"{start}–{end}" if start != end else str(start))
    return ", ".join(parts)


def check_addresses(found: list[tuple[int, str]]) -> list[str]:
    """The distinct addresses in the order given; AddressListError naming every bad line if any is bad."""
    if not found:
        raise AddressListError(_("No e-mail addresses were found."))
    if len(found) > MAX_ADDRESSES:
        raise AddressListError(_("At most %(count)d addresses can be added at a time.") % {"count": MAX_ADDRESSES})
    bad = []
    for number, address in found:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(number)
    if bad:
        lines = _ranges(bad)
        message = ngettext(
            "Line %(lines)s does not hold a valid e-mail address. Nothing has been added.",
            "Lines %(lines)s do not hold valid e-mail addresses. Nothing has been added.",
            len(bad),
        )
        raise AddressListError(message % {"lines": lines})
    return list(dict.fromkeys(address for _number, address in found))


def do_add_invitations(round_: Round, group: RespondentGroup, addresses: list[str]) -> AddResult:
    """Invite the addresses not yet invited in this round (in any group); the others are skipped."""
    result = AddResult()
    with transaction.atomic():
        # One writer per round at a time, so two lists with the same address cannot both add it.
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        existing = set(round_.invitations.values_list("email", flat=True))
        invitations = []
        for address in addresses:
            if address in existing:
                result.skipped.append(address)
                continue
            invitation = Invitation(round=round_, group=group, email=address)
            invitation.token_hash = Invitation.hash_token(invitation.token())
            invitations.append(invitation)
            result.created.append(address)
        Invitation.objects.bulk_create(invitations)
    return result


def progress_per_group(round_: Round) -> QuerySet[RespondentGroup]:
    """The round's groups with the number invited, e-mailed, started (or finished) and finished: one query."""
    began = [Invitation.Status.STARTED, Invitation.Status.FINISHED]
    return round_.groups.annotate(
        invited=Count("invitations"),
        emailed=Count("invitations", filter=Q(invitations__send_count__gt=0)),
        started=Count("invitations", filter=Q(invitations__status__in=began)),
        finished=Count("invitations", filter=Q(invitations__status=Invitation.Status.FINISHED)),
    ).order_by("position", "pk")


def can_send(round_: Round, today: datetime.date | None = None) -> bool:
    """Invitations and reminders go out while the round is open and has not passed its closing date."""
    today = today or timezone.localdate()
    return round_.status == Round.Status.OPEN and today <= round_.closes_on


def to_send(round_: Round, reminder: bool) -> QuerySet[Invitation]:
    """Who a first invitation (never e-mailed) or a reminder (e-mailed before, not finished) goes to."""
    invitations = round_.invitations.exclude(status=Invitation.Status.FINISHED)
    if reminder:
        return invitations.filter(send_count__gt=0)
    return invitations.filter(send_count=0)


def sending_queued(round_: Round, reminder: bool) -> bool:
    """Whether the same kind of mailing for this round still waits for (or is in) the worker."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cjgscan.rounds.tasks import send_invitations

    return DBTaskResult.objects.filter(
        task_path=send_invitations.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=round_.pk,
        args_kwargs__args__2=reminder,
    ).exists()


def do_queue_mailing(round_: Round, reminder: bool, base_url: str) -> int:
    """Queue the e-mails for the worker, after the commit; the number of invitations they go to."""
    from cjgscan.rounds.tasks import send_invitations

    with transaction.atomic():
        ids = list(to_send(round_, reminder).order_by("pk").values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: send_invitations.enqueue(round_.pk, ids, reminder, base_url))
    return len(ids)
