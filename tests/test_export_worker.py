"""The answers file off the request path: asked for by an administrator, made by the worker with its progress on
the page, kept (in parts) until the round's data change, downloaded part by part. The figures stay in the request:
they cost what the dashboard costs, whatever the number of respondents."""

import io
import re
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cjgscan.exports.models import StoredExport, StoredExportPart
from cjgscan.exports.tables import answer_table
from cjgscan.exports.tasks import make_export
from cjgscan.exports.workbook import write_export_xlsx
from cjgscan.exports.writers import write_csv
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release
from tests.stored_exports import ask_for_answers, download_answers, no_writing, queued_exports, run_export_tasks

PROGRESS_UPDATE = re.compile(r'UPDATE "exports_storedexport" SET "done" = (\d+) WHERE')


def nl(text: str) -> str:
    with translation.override("nl"):
        return _(text)


def rows_of(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


class ExportWorkerTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, title="Meting najaar")
        group = cls.round.groups.all()[0]
        for n in range(6):
            make_response(cls.round, group, {"S1.K1": "v3", "S2.K1": "v2"}, comments={"S1": f"=Opmerking {n}"})
        release(cls.round)

    def export_page(self) -> str:
        return reverse("round_export", args=[self.org_a.uuid, self.round.uuid])

    def ask(self, file_format: str = "xlsx", delimiter: str = ";") -> StoredExport:
        with self.captureOnCommitCallbacks(execute=True):
            return ask_for_answers(self.client, self.round, file_format, delimiter)

    def test_an_administrator_asks_sees_progress_then_downloads_and_a_second_click_costs_nothing(self) -> None:
        self.client.force_login(self.alice)
        export = self.ask()
        self.assertEqual(export.status, StoredExport.Status.QUEUED)
        self.assertEqual(queued_exports(), [export.pk])
        status = reverse("export_status", args=[self.org_a.uuid, export.uuid])
        download = reverse("export_download", args=[self.org_a.uuid, export.uuid])
        with no_writing():
            fragment = self.client.get(status, headers={"HX-Request": "true"})
            plain = self.client.get(status)
            waiting = self.client.get(download)
        self.assertContains(fragment, 'hx-trigger="every 2s"')
        self.assertContains(fragment, nl("Waiting for the worker"))
        self.assertNotContains(fragment, "<html")
        self.assertContains(plain, f'href="{status}"')  # without JavaScript: a link to look again
        self.assertRedirects(waiting, status, fetch_redirect_response=False)

        # While the worker writes, the page says how far it is.
        StoredExport.objects.filter(pk=export.pk).update(status="running", done=3, total=6)
        with no_writing():
            fragment = self.client.get(status, headers={"HX-Request": "true"})
        self.assertContains(fragment, '<progress id="progress-')
        self.assertContains(fragment, 'value="50"')
        self.assertContains(fragment, nl("%(done)s of %(total)s respondents written.") % {"done": 3, "total": 6})
        StoredExport.objects.filter(pk=export.pk).update(status="queued", done=0, total=0)

        self.assertEqual(run_export_tasks(), 1)
        with no_writing():
            fragment = self.client.get(status, headers={"HX-Request": "true"})
            reply = self.client.get(download)
            content = b"".join(reply.streaming_content)  # type: ignore[attr-defined]
        self.assertNotContains(fragment, "hx-trigger")  # ready: the polling stops
        self.assertContains(fragment, f'href="{download}"')
        self.assertEqual(reply["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertEqual(reply["Content-Length"], str(len(content)))
        self.assertIn("no-store", reply["Cache-Control"])
        self.assertIn(f"meting-najaar-{nl('answers')}.xlsx", reply["Content-Disposition"])
        # The same workbook the command line writes for these data.
        made_here = io.BytesIO()
        with translation.override("nl"):
            write_export_xlsx(Round.objects.get(pk=self.round.pk), "antwoorden", made_here)
        self.assertEqual(rows_of(content), rows_of(made_here.getvalue()))
        self.assertIn("'=Opmerking 0", str(rows_of(content)))

        # A second click gets the stored file: no new row, no new task, straight to the download.
        with self.captureOnCommitCallbacks(execute=True), no_writing():
            again = self.client.post(self.export_page(), {"inhoud": "antwoorden", "formaat": "xlsx"})
        self.assertRedirects(again, download, fetch_redirect_response=False)
        self.assertEqual(StoredExport.objects.count(), 1)
        self.assertEqual(queued_exports(), [])

    def test_csv_of_the_answers_through_the_worker_is_the_commands_file_byte_for_byte(self) -> None:
        self.client.force_login(self.alice)
        for delimiter in (";", ","):
            content = download_answers(self.client, self.round, "csv", delimiter)
            expected = io.BytesIO()
            with translation.override("nl"):
                write_csv(answer_table(Round.objects.get(pk=self.round.pk)), expected, delimiter)
            self.assertEqual(content, expected.getvalue(), delimiter)
        self.assertEqual(StoredExport.objects.count(), 2)  # a file per separator

    def test_the_file_is_kept_in_parts_and_sent_part_by_part(self) -> None:
        self.client.force_login(self.alice)
        with mock.patch("cjgscan.exports.tasks.PART_BYTES", 1000):
            content = download_answers(self.client, self.round, "xlsx")
        export = StoredExport.objects.get()
        parts = list(StoredExportPart.objects.filter(export=export).order_by("number").values_list("data", flat=True))
        self.assertGreater(len(parts), 2)
        self.assertTrue(all(len(part) <= 1000 for part in parts))
        self.assertEqual(b"".join(bytes(part) for part in parts), content)
        self.assertEqual(export.size, len(content))
        # One query for the parts, whatever their number (a server-side cursor on PostgreSQL).
        download = reverse("export_download", args=[self.org_a.uuid, export.uuid])
        self.client.get(download)
        with self.assertNumQueries(4):  # session, user, membership, export; then the parts
            reply = self.client.get(download)
        with self.assertNumQueries(1):
            self.assertEqual(b"".join(reply.streaming_content), content)  # type: ignore[attr-defined]

    def test_a_new_release_or_group_name_makes_a_new_version_and_the_old_file_goes_when_the_new_is_ready(
        self,
    ) -> None:
        self.client.force_login(self.alice)
        first = self.ask()
        run_export_tasks()
        for _n in range(5):
            make_response(self.round, self.round.groups.all()[1], {"S1.K1": "v1"})
        self.assertEqual(self.ask().pk, first.pk)  # answers not yet released change nothing
        self.assertTrue(release(Round.objects.get(pk=self.round.pk)).accepted)
        second = self.ask()
        self.assertNotEqual(second.pk, first.pk)
        self.assertTrue(StoredExport.objects.filter(pk=first.pk, status="ready").exists())  # until the new one is
        run_export_tasks()
        self.assertFalse(StoredExport.objects.filter(pk=first.pk).exists())
        self.assertFalse(StoredExportPart.objects.filter(export_id=first.pk).exists())
        group = self.round.groups.all()[0]
        group.name = "Bestuur en directie"
        group.save()
        third = self.ask()
        self.assertNotEqual(third.pk, second.pk)  # the rows carry the group's name
        # Formats, separators and languages are files of their own.
        self.assertNotEqual(self.ask("csv").pk, third.pk)
        self.assertNotEqual(self.ask("csv", ",").pk, self.ask("csv").pk)
        self.client.cookies["django_language"] = "en"
        self.assertEqual(self.ask().language, "en")

    def test_the_worker_writes_how_far_it_is_while_it_writes(self) -> None:
        """With the interval at nothing, the count is written as each next respondent begins: 0…5 of 6, then 6."""
        self.client.force_login(self.alice)
        for file_format in ("xlsx", "csv"):
            export = self.ask(file_format)
            with mock.patch("cjgscan.exports.tasks.PROGRESS_SECONDS", 0), CaptureQueriesContext(connection) as sql:
                self.assertEqual(make_export.call(export.pk), "ready")
            done = [int(n) for query in sql.captured_queries for n in PROGRESS_UPDATE.findall(query["sql"])]
            self.assertEqual(done, list(range(6)), file_format)
            export.refresh_from_db()
            self.assertEqual((export.done, export.total), (6, 6))

    def test_a_task_queued_twice_writes_once_and_a_failure_can_be_retried(self) -> None:
        self.client.force_login(self.alice)
        export = self.ask()
        self.assertEqual(make_export.call(export.pk), "ready")
        with no_writing():
            self.assertEqual(make_export.call(export.pk), "gone or done")
        StoredExport.objects.filter(pk=export.pk).update(status="queued")
        failing = mock.patch("cjgscan.exports.tasks.write_answers", side_effect=RuntimeError("disk full"))
        with failing, self.assertRaises(RuntimeError), self.assertLogs("cjgscan.exports.tasks", "ERROR"):
            make_export.call(export.pk)
        self.assertEqual(StoredExport.objects.get(pk=export.pk).status, "failed")
        self.assertTrue(StoredExportPart.objects.filter(export=export).exists())  # the earlier file's parts stay
        page = self.client.get(self.export_page() + "?inhoud=antwoorden&formaat=xlsx&scheidingsteken=%3B")
        self.assertContains(
            page, nl("The file could not be made. Try again; if it fails again, tell your administrator.")
        )
        self.assertContains(page, nl("Make the file"))
        self.assertEqual(self.ask().pk, export.pk)
        self.assertEqual(StoredExport.objects.get(pk=export.pk).status, "queued")
        run_export_tasks()
        export.refresh_from_db()
        self.assertTrue(export.ready)
        self.assertEqual(StoredExportPart.objects.filter(export=export).count(), 1)

    def test_no_view_writes_the_answers_and_a_get_changes_nothing(self) -> None:
        """Every request about the answers file runs with the writers patched to fail (as the report tests do for
        WeasyPrint): asking, the export page with the choice, the state, the download."""
        self.client.force_login(self.alice)
        url = self.export_page() + "?inhoud=antwoorden&formaat=csv&scheidingsteken=%3B"
        with no_writing():
            page = self.client.get(url)
        self.assertContains(page, nl("Make the file"))
        self.assertContains(page, 'method="post"')
        self.assertFalse(StoredExport.objects.exists())  # a GET asks nothing of the worker
        export = self.ask("csv")
        with no_writing():
            page = self.client.get(url)
        self.assertContains(page, 'hx-trigger="every 2s"')
        self.assertNotContains(page, nl("Make the file"))
        self.assertEqual(StoredExport.objects.count(), 1)
        run_export_tasks()
        with no_writing():
            page = self.client.get(url)
            reply = self.client.get(reverse("export_download", args=[self.org_a.uuid, export.uuid]))
            b"".join(reply.streaming_content)  # type: ignore[attr-defined]
        self.assertContains(page, reverse("export_download", args=[self.org_a.uuid, export.uuid]))

    def test_the_figures_stay_in_the_request_and_read_no_answer_row(self) -> None:
        """Figures are built from the grouped counts (one GROUP BY), as the dashboard: never from answer rows."""
        self.client.force_login(self.bob)
        failure = AssertionError("answer rows read for the figures")
        with mock.patch("cjgscan.exports.tables.answer_table", side_effect=failure):
            for file_format in ("csv", "xlsx"):
                reply = self.client.get(self.export_page() + f"?inhoud=cijfers&formaat={file_format}")
                self.assertEqual(reply.status_code, 200)
                self.assertTrue(b"".join(reply.streaming_content))  # type: ignore[attr-defined]
        self.assertFalse(StoredExport.objects.exists())
        # An administrator's form is a POST; the figures come at once from it too.
        self.client.force_login(self.alice)
        reply = self.client.post(self.export_page(), {"inhoud": "cijfers", "formaat": "csv", "scheidingsteken": ";"})
        self.assertEqual(reply["Content-Type"], "text/csv; charset=utf-8")
        self.assertFalse(StoredExport.objects.exists())

    def test_only_administrators_ask_see_and_download_and_outsiders_get_404(self) -> None:
        self.client.force_login(self.alice)
        export = self.ask()
        run_export_tasks()
        urls = [
            reverse("export_status", args=[self.org_a.uuid, export.uuid]),
            reverse("export_download", args=[self.org_a.uuid, export.uuid]),
            self.export_page() + "?inhoud=antwoorden&formaat=xlsx",
        ]
        for user, expected in ((self.bob, 403), (self.carol, 403), (self.dave, 404)):  # lezer, coordinator, outsider
            self.client.force_login(user)
            with self.subTest(user=user.first_name), no_writing():
                for url in urls:
                    self.assertEqual(self.client.get(url).status_code, expected, url)
                reply = self.client.post(self.export_page(), {"inhoud": "antwoorden", "formaat": "xlsx"})
                self.assertEqual(reply.status_code, expected)
                reply = self.client.post(self.export_page(), {"inhoud": "cijfers", "formaat": "csv"})
                self.assertEqual(reply.status_code, expected)  # the readers' form is a GET
        self.assertEqual(StoredExport.objects.count(), 1)
        # Another organisation's file through this organisation's address, and asking without the CSRF token.
        self.client.force_login(self.carol)  # beheerder of B
        elsewhere = reverse("export_download", args=[self.org_b.uuid, export.uuid])
        self.assertEqual(self.client.get(elsewhere).status_code, 404)
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(self.alice)
        reply = csrf_client.post(self.export_page(), {"inhoud": "antwoorden", "formaat": "csv"})
        self.assertEqual(reply.status_code, 403)
        self.assertEqual(StoredExport.objects.count(), 1)

    def test_the_state_page_costs_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.alice)
        export = self.ask()
        status = reverse("export_status", args=[self.org_a.uuid, export.uuid])
        self.client.get(status)
        with self.assertNumQueries(4):
            self.client.get(status, headers={"HX-Request": "true"})
        for _n in range(10):
            make_response(self.round, self.round.groups.all()[1], {"S1.K1": "v2"})
        release(Round.objects.get(pk=self.round.pk))
        run_export_tasks()
        with self.assertNumQueries(4):
            self.client.get(status, headers={"HX-Request": "true"})
