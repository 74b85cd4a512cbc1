"""Test helpers for exports made by the worker: ask for the answers file as an administrator, run the worker's
task in this process, download the stored file."""

import contextlib
from collections.abc import Iterator
from unittest import mock

from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cjgscan.exports.models import StoredExport
from cjgscan.exports.tasks import make_export
from cjgscan.rounds.models import Round


@contextlib.contextmanager
def no_writing() -> Iterator[None]:
    """Fail if a view reads the answer rows or writes a file of them (a web request must not)."""
    failure = AssertionError("an answers file written in a request")
    with (
        mock.patch("cjgscan.exports.views.csv_chunks", side_effect=failure),
        mock.patch("cjgscan.exports.views.write_export_xlsx", side_effect=failure),
        mock.patch("cjgscan.exports.views.export_table", side_effect=failure),
        mock.patch("cjgscan.exports.tasks.write_answers", side_effect=failure),
    ):
        yield


def queued_exports() -> list[int]:
    """The export ids the worker has been asked for and not yet done, oldest first."""
    tasks = DBTaskResult.objects.filter(task_path=make_export.module_path, status="READY").order_by("enqueued_at")
    return [task.args_kwargs["args"][0] for task in tasks]


def run_export_tasks() -> int:
    """What `cjgscan worker` does with the queued export tasks, in this process."""
    ids = queued_exports()
    for export_id in ids:
        make_export.call(export_id)
    DBTaskResult.objects.filter(task_path=make_export.module_path).update(status="SUCCESSFUL")
    return len(ids)


def ask_for_answers(client: Client, round_: Round, file_format: str = "xlsx", delimiter: str = ";") -> StoredExport:
    """POST the export form for the answers, as an administrator does; the stored export it points to."""
    url = reverse("round_export", args=[round_.organisation.uuid, round_.uuid])
    with no_writing():
        reply = client.post(url, {"inhoud": "antwoorden", "formaat": file_format, "scheidingsteken": delimiter})
    assert reply.status_code == 302, reply.status_code
    export_uuid = reply["Location"].rstrip("/").split("/")[-1]
    if export_uuid == "download":
        export_uuid = reply["Location"].rstrip("/").split("/")[-2]
    return StoredExport.objects.get(uuid=export_uuid)


def download_answers(client: Client, round_: Round, file_format: str = "xlsx", delimiter: str = ";") -> bytes:
    """The answers file as an administrator gets it: asked for, made by the worker, downloaded."""
    from django.db import transaction

    with mock.patch.object(transaction, "on_commit", lambda callback, *args, **kwargs: callback()):
        export = ask_for_answers(client, round_, file_format, delimiter)
    run_export_tasks()
    reply = client.get(reverse("export_download", args=[round_.organisation.uuid, export.uuid]))
    assert reply.status_code == 200, reply.status_code
    return b"".join(reply.streaming_content)  # type: ignore[attr-defined]
