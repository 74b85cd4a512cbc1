"""Background work of exports, run by `cjgscan worker`: the answers file is never written in a web request.

The worker writes the file into a temporary file (rows streamed from the database, see cjgscan/exports/tables.py),
saying how far it is every second, then copies it into the database in parts of PART_BYTES in one transaction:
a reader sees no file or the whole file. Memory stays flat however many respondents a round has.
"""

import logging
import tempfile
import time
from collections.abc import Callable
from typing import IO

from django.db import transaction
from django.utils import translation
from django_tasks import task

from cjgscan.exports.models import StoredExport, StoredExportPart
from cjgscan.exports.tables import answer_folding, answer_table, export_filename
from cjgscan.exports.workbook import answer_sheets
from cjgscan.exports.writers import XLSX, csv_chunks
from cjgscan.lib.stored import claim
from cjgscan.lib.xlsx import write_workbook
from cjgscan.rounds.models import Response

logger = logging.getLogger(__name__)

PART_BYTES = 1024 * 1024
PROGRESS_SECONDS = 1.0


def progress_of(export_id: int) -> Callable[[int], None]:
    """What the answer table calls at each new respondent: writes the number done at most once a second."""
    last = time.monotonic()

    def respondent_done(written: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS:
            StoredExport.objects.filter(pk=export_id).update(done=written)
            last = now

    return respondent_done


def write_answers(export: StoredExport, file: IO[bytes]) -> None:
    round_ = export.round
    folding = answer_folding(round_)
    table = answer_table(round_, folding, progress=progress_of(export.pk))
    if export.file_format == XLSX:
        write_workbook(answer_sheets(round_, folding, table), file)
    else:
        for chunk in csv_chunks(table, export.delimiter):
            file.write(chunk)


@task()
def make_export(export_id: int) -> str:
    """Make one asked-for export; one already made (a task queued twice) is left as it is."""
    if not claim(StoredExport, export_id):
        return "gone or done"
    export = StoredExport.objects.select_related("organisation", "round__version__instrument", "round__scale").get(
        pk=export_id
    )
    round_ = export.round
    round_.organisation = export.organisation
    total = Response.objects.released().filter(round=round_).count()
    StoredExport.objects.filter(pk=export_id).update(total=total, done=0)
    try:
        with tempfile.TemporaryFile() as file, translation.override(export.language):
            write_answers(export, file)
            name = export_filename(round_, export.kind, export.file_format)
            size = file.tell()
            file.seek(0)
            with transaction.atomic():
                StoredExportPart.objects.filter(export_id=export_id).delete()  # a failed try's parts
                number = 0
                while data := file.read(PART_BYTES):
                    StoredExportPart.objects.create(export_id=export_id, number=number, data=data)
                    number += 1
                StoredExport.objects.filter(pk=export_id).update(
                    status=StoredExport.Status.READY, size=size, file_name=name, done=total
                )
                # Older versions of the same file are no longer offered; keep only the newest.
                StoredExport.objects.filter(
                    organisation_id=export.organisation_id,
                    round=round_,
                    kind=export.kind,
                    file_format=export.file_format,
                    delimiter=export.delimiter,
                    language=export.language,
                    status=StoredExport.Status.READY,
                ).exclude(pk=export_id).delete()
    except Exception:
        logger.exception("Export %s could not be made", export_id)
        StoredExport.objects.filter(pk=export_id).update(status=StoredExport.Status.FAILED)
        raise
    return "ready"
