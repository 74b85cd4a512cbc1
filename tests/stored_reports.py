"""Test helpers for reports made by the worker."""

import contextlib
from collections.abc import Iterator
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cjgscan.reports.tasks import make_report
from cjgscan.rounds.models import Round


@contextlib.contextmanager
def no_rendering() -> Iterator[None]:
    """Fail if anything typesets a PDF inside the block (a web request must not), with either engine: Typst
    (the reports) or WeasyPrint (the paper forms)."""
    import weasyprint  # type: ignore[import-untyped]

    failure = AssertionError("a PDF rendered in a request")
    with (
        mock.patch.object(weasyprint.HTML, "write_pdf", side_effect=failure),
        mock.patch("cjgscan.lib.typeset._compiler", side_effect=failure),
    ):
        yield


def queued_reports() -> list[int]:
    """The report ids the worker has been asked for and not yet done, oldest first."""
    tasks = DBTaskResult.objects.filter(task_path=make_report.module_path, status="READY").order_by("enqueued_at")
    return [task.args_kwargs["args"][0] for task in tasks]


def run_report_tasks() -> int:
    """What `cjgscan worker` does with the queued report tasks, in this process and transaction."""
    ids = queued_reports()
    for report_id in ids:
        make_report.call(report_id)
    DBTaskResult.objects.filter(task_path=make_report.module_path).update(status="SUCCESSFUL")
    return len(ids)


def paper_questionnaire(case: TestCase, round_: Round, **headers: str) -> bytes:
    """The round's questionnaire to print as a member gets it: asked for, made by the worker, downloaded."""
    page = reverse("paper_questionnaire", args=[round_.organisation.uuid, round_.uuid])
    with no_rendering(), case.captureOnCommitCallbacks(execute=True):
        asked = case.client.post(page, **headers)  # type: ignore[arg-type]
    case.assertRedirects(asked, page, fetch_redirect_response=False)
    run_report_tasks()
    pdf = reverse("paper_questionnaire_pdf", args=[round_.organisation.uuid, round_.uuid])
    with no_rendering():
        response = case.client.get(pdf, follow=True, **headers)  # type: ignore[arg-type]
    case.assertEqual(response.status_code, 200)
    case.assertEqual(response["Content-Type"], "application/pdf")
    return bytes(response.content)
