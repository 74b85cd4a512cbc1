"""Personal invitations: reading address lists, adding invitations, counting, queueing e-mail.

An invitation records who was invited and whether the first e-mail went out, nothing about its use: how far
anyone got is never stored next to an address (docs/privacy.md, T1; docs/invitations.md).
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

from cjgscan.lib import uploads
from cjgscan.lib.uploads import count_text_cells
from cjgscan.rounds.models import Invitation, ReminderMailing, RespondentGroup, Response, Round

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ADDRESSES = 5000
MAX_ROWS = 50_000  # a spreadsheet with this many rows is not an address list (and may be a zip bomb)
MAX_CELLS = 250_000  # 5,000 addresses in an export 50 columns wide; checked before parsing (lib/uploads.py)
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
    if count_text_cells(text, ",;\t") > MAX_CELLS:
        raise AddressListError(str(uploads.too_many_cells(MAX_CELLS)))
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
        try:
            uploads.check_xlsx(data, MAX_CELLS)
        except uploads.UploadError as error:
            raise AddressListError(str(error)) from None
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


def counts_per_group(round_: Round) -> QuerySet[RespondentGroup]:
    """The round's groups with the number invited and e-mailed: one query. How many of them answered is not
    known per group here (nothing is written to an invitation when its link is used); see `personal_totals`."""
    return round_.groups.annotate(
        invited=Count("invitations"),
        emailed=Count("invitations", filter=Q(invitations__send_count__gt=0)),
    ).order_by("position", "pk")


def groups_below_minimum(round_: Round) -> list[RespondentGroup]:
    """Groups with addresses waiting for their first e-mail but fewer invitations than the round's minimum.

    A personal response is known to come from one of its group's invited addresses; with fewer of them than
    the minimum, a copy of the database would narrow a response down to fewer people than the round promises.
    """
    return list(
        round_.groups.annotate(
            invited=Count("invitations"), waiting=Count("invitations", filter=Q(invitations__send_count=0))
        )
        .filter(waiting__gt=0, invited__lt=round_.min_group_size)
        .order_by("position", "pk")
    )


def can_send(round_: Round, today: datetime.date | None = None) -> bool:
    """Invitations and reminders go out while the round is open and has not passed its closing date."""
    today = today or timezone.localdate()
    return round_.status == Round.Status.OPEN and today <= round_.closes_on


def to_send(round_: Round, reminder: bool) -> QuerySet[Invitation]:
    """Who a first invitation (never e-mailed) or a reminder may go to (e-mailed before). Whether they have
    finished is not stored; the worker leaves the finished out with `without_finished`."""
    invitations = round_.invitations.all()
    return invitations.emailed() if reminder else invitations.not_emailed()


FINISHED_LOOKUP_BATCH = 1000


def without_finished(round_: Round, invitations: list[Invitation]) -> list[Invitation]:
    """The invitations whose link has not given a submitted response, in their order.

    Only code that holds the secret key can do this: it derives each link token, hashes it as the response
    does, and looks the hashes up, one query per batch. Nothing is written; the answer lives in memory only.
    """
    unfinished: list[Invitation] = []
    for start in range(0, len(invitations), FINISHED_LOOKUP_BATCH):
        batch = {Response.hash_token(inv.token()): inv for inv in invitations[start : start + FINISHED_LOOKUP_BATCH]}
        finished = set(
            Response.objects.submitted().filter(round=round_, token_hash__in=batch).values_list("token_hash", flat=True)
        )
        unfinished += [invitation for token_hash, invitation in batch.items() if token_hash not in finished]
    return unfinished


@dataclass
class PersonalTotals:
    """A round's personal invitations as a whole: the figures add up, whatever else came in."""

    invited: int
    emailed: int
    in_progress: int
    answered: int

    @property
    def rate(self) -> int | None:
        """Answered through a personal link, as a percentage of the addresses e-mailed. Answers stay when their
        address is removed, so more can have answered than are e-mailed now: then there is no honest rate."""
        if not self.emailed or self.answered > self.emailed:
            return None
        return round(100 * self.answered / self.emailed)


def sending_queued(round_: Round, reminder: bool) -> bool:
    """Whether the same kind of mailing for this round still waits for (or is in) the worker."""
    if reminder:
        waiting = [ReminderMailing.Status.QUEUED, ReminderMailing.Status.SENDING]
        return round_.reminder_mailings.filter(status__in=waiting).exists()
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cjgscan.rounds.tasks import send_invitations

    return DBTaskResult.objects.filter(
        task_path=send_invitations.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=round_.pk,
        args_kwargs__args__2=False,
    ).exists()


class MailingRefused(Exception):
    """A mailing that was not queued: the same kind waits for the worker (`pending`), or a reminder already went out
    today (`sent_today`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A mailing still waiting for a worker after this long means no worker runs: the page says so.
WORKER_PATIENCE = datetime.timedelta(minutes=3)


@dataclass(frozen=True)
class MailingState:
    waiting_since: datetime.datetime | None  # the oldest mailing of the round that no worker has picked up yet
    stalled: bool  # waiting longer than WORKER_PATIENCE
    last_finished: datetime.datetime | None  # when the worker last finished a mailing of the round
    last_sent: int


def mailing_state(round_: Round, now: datetime.datetime | None = None) -> MailingState:
    """What the worker did with the round's mailings, from django-tasks' result rows: two queries."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cjgscan.rounds.tasks import send_invitations

    now = now or timezone.now()
    mailings = DBTaskResult.objects.filter(task_path=send_invitations.module_path, args_kwargs__args__0=round_.pk)
    waiting = (
        mailings.filter(status=TaskResultStatus.READY).order_by("enqueued_at").values_list("enqueued_at", flat=True)
    ).first()
    last = (
        mailings.filter(status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", "return_value")
        .first()
    )
    sent = last[1].get("sent", 0) if last and isinstance(last[1], dict) else 0
    return MailingState(waiting, waiting is not None and now - waiting > WORKER_PATIENCE, last and last[0], sent)


def do_queue_mailing(round_: Round, reminder: bool, base_url: str) -> int:
    """Queue the e-mails for the worker, after the commit; the number of invitations the mailing considers.

    Under the round's lock, so that two clicks (or two coordinators) at once queue one mailing: the second sees the
    first and gets MailingRefused. A reminder is one ReminderMailing row, at most one a day, that the worker claims
    and fills in; the queued task names only that row, so it holds no list that depends on anyone's answers.
    """
    from cjgscan.rounds.tasks import send_invitations, send_reminder

    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        if sending_queued(round_, reminder):
            raise MailingRefused("pending")
        count = to_send(round_, reminder).count()
        if not count:
            return 0
        if reminder:
            mailings = round_.reminder_mailings
            if mailings.filter(sent_on=timezone.localdate()).exists():
                raise MailingRefused("sent_today")
            number = mailings.count() + 1
            mailing = ReminderMailing.objects.create(round=round_, number=number, status=ReminderMailing.Status.QUEUED)
            transaction.on_commit(lambda: send_reminder.enqueue(mailing.pk, base_url))
        else:
            ids = list(to_send(round_, reminder).order_by("pk").values_list("pk", flat=True))
            transaction.on_commit(lambda: send_invitations.enqueue(round_.pk, ids, False, base_url))
    return count
