"""Asking for the answers file: a few small queries in the request, the writing in the worker (exports/tasks.py).

The file is made once per version of what it holds (as a report is, cjgscan/reports/stored.py): the fingerprint
hashes the round's latest release, the number of released responses, the groups' names (they label the rows),
the minimum group size and the titles in the explanation, with the kind, format, separator and language. A second
request for the same version finds the stored file; a new version replaces the old file when it is ready.
"""

from typing import Any

from django.db.models import Count, Max

from cjgscan.exports.models import StoredExport
from cjgscan.lib.stored import do_request_stored, version_hash
from cjgscan.rounds.models import Release, Response, Round

# Raised when what an answers file holds or how it is laid out changes, so that older files are made again.
LAYOUT = 1


def round_answers_version(round_: Round) -> list[Any]:
    """What a round's answers file holds that can change; three queries, whatever the number of respondents."""
    releases = Release.objects.filter(round=round_).aggregate(latest=Max("pk"), n=Count("pk"))
    released = Response.objects.released().filter(round=round_).count()
    groups = list(round_.groups.order_by("pk").values_list("pk", "name"))
    return [LAYOUT, round_.pk, releases, released, groups, round_.title, round_.min_group_size,
            round_.organisation.name, round_.version_id, round_.scale_id]  # fmt: skip


def export_fingerprint(version: list[Any], kind: str, file_format: str, delimiter: str, language: str) -> str:
    return version_hash([version, kind, file_format, delimiter, language])


def current_export(organisation_id: int, export_fingerprint: str) -> StoredExport | None:
    return StoredExport.objects.filter(organisation_id=organisation_id, fingerprint=export_fingerprint).first()


def do_request_export(
    round_: Round, kind: str, file_format: str, delimiter: str, language: str, version: list[Any] | None = None
) -> StoredExport:
    """The stored file for this version, asked of the worker if it is new (or failed before)."""
    from cjgscan.exports.tasks import make_export

    key = export_fingerprint(version or round_answers_version(round_), kind, file_format, delimiter, language)
    return do_request_stored(
        StoredExport,
        {"organisation_id": round_.organisation_id, "fingerprint": key},
        make_export.enqueue,
        round=round_,
        kind=kind,
        file_format=file_format,
        delimiter=delimiter,
        language=language,
    )
