"""Reports off the request path: asked for by any member, made by the worker, kept until the results change."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cjgscan.development.models import AgreedScore
from cjgscan.reports.models import StoredReport
from cjgscan.reports.stored import current_report, round_fingerprint
from cjgscan.reports.tasks import make_report
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release
from tests.stored_reports import no_rendering, queued_reports, run_report_tasks


def nl(text: str) -> str:
    with translation.override("nl"):
        return _(text)


class StoredReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, title="Meting najaar")
        group = cls.round.groups.all()[0]
        for _n in range(5):
            make_response(cls.round, group, {"S1.K1": "v3", "S2.K1": "v2"})
        release(cls.round)

    def page(self) -> str:
        return reverse("round_report", args=[self.org_a.uuid, self.round.uuid])

    def ask(self, kind: str = "board") -> StoredReport:
        with no_rendering(), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.page(), {"kind": kind})
        self.assertRedirects(response, self.page() + f"#report-{kind}", fetch_redirect_response=False)
        language = self.client.cookies["django_language"].value if "django_language" in self.client.cookies else "nl"
        round_ = Round.objects.select_related("version__instrument").get(pk=self.round.pk)
        found = current_report(self.org_a.pk, kind, language, round_fingerprint(round_, kind, language))
        assert found is not None
        return found

    def test_a_reader_asks_the_worker_sees_progress_then_downloads_and_a_second_click_costs_nothing(self) -> None:
        self.client.force_login(self.bob)  # lezer
        with no_rendering():
            page = self.client.get(self.page())
        self.assertContains(page, nl("Make the report"), count=2)  # the board report and the one with the appendix
        report = self.ask()
        self.assertEqual(report.status, StoredReport.Status.QUEUED)
        self.assertEqual(queued_reports(), [report.pk])
        status = reverse("report_status", args=[self.org_a.uuid, report.uuid])
        with no_rendering():
            page = self.client.get(self.page())
            fragment = self.client.get(status, headers={"HX-Request": "true"})
            plain = self.client.get(status)
        # While waiting: htmx asks again every 2 s (a static script, no inline code), and without JavaScript
        # the page has a link to look again.
        self.assertContains(page, 'hx-trigger="every 2s"')
        self.assertContains(page, nl("Waiting for the worker"))
        self.assertContains(fragment, 'hx-trigger="every 2s"')
        self.assertNotContains(fragment, "<html")
        self.assertContains(plain, f'href="{status}"')
        download = reverse("report_download", args=[self.org_a.uuid, report.uuid])
        self.assertRedirects(self.client.get(download), status, fetch_redirect_response=False)

        self.assertEqual(run_report_tasks(), 1)
        with no_rendering():
            fragment = self.client.get(status, headers={"HX-Request": "true"})
        self.assertNotContains(fragment, "hx-trigger")  # ready: the polling stops
        self.assertContains(fragment, f'href="{download}"')
        pdf = self.client.get(download)
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF-"))

        # A second click (anyone's) gets the same stored file: no new row, no new task.
        self.ask()
        self.assertEqual(StoredReport.objects.filter(round=self.round).count(), 1)
        self.assertEqual(queued_reports(), [])
        with no_rendering():
            page = self.client.get(self.page())
        self.assertContains(page, f'href="{download}"')

    def test_a_new_release_or_agreed_score_makes_a_new_version_and_the_old_file_goes_when_it_is_ready(self) -> None:
        self.client.force_login(self.alice)
        first = self.ask()
        run_report_tasks()
        for _n in range(5):
            make_response(self.round, self.round.groups.all()[0], {"S1.K1": "v1"})
        self.assertEqual(self.ask().pk, first.pk)  # responses not yet released change nothing
        self.assertTrue(release(Round.objects.get(pk=self.round.pk)).accepted)
        second = self.ask()
        self.assertNotEqual(second.pk, first.pk)
        self.assertEqual(queued_reports(), [second.pk])
        self.assertTrue(StoredReport.objects.filter(pk=first.pk, status="ready").exists())  # until the new one is
        run_report_tasks()
        self.assertFalse(StoredReport.objects.filter(pk=first.pk).exists())
        AgreedScore.objects.create(round=self.round, theme_code="S1", score=Decimal("3.0"), reasoning="Samen")
        self.assertNotEqual(self.ask().pk, second.pk)
        # Languages and kinds are files of their own.
        self.client.cookies["django_language"] = "en"
        english = self.ask()
        self.assertEqual(english.language, "en")
        self.assertNotEqual(self.ask("full").pk, english.pk)

    def test_a_task_queued_twice_renders_once_and_a_failure_can_be_retried(self) -> None:
        self.client.force_login(self.bob)
        report = self.ask()
        self.assertEqual(make_report.call(report.pk), "ready")
        with no_rendering():
            self.assertEqual(make_report.call(report.pk), "gone or done")
        StoredReport.objects.filter(pk=report.pk).update(status="failed")
        with no_rendering():
            page = self.client.get(self.page())
        self.assertContains(
            page, nl("The report could not be made. Try again; if it fails again, tell your administrator.")
        )
        self.assertEqual(self.ask().pk, report.pk)
        self.assertEqual(StoredReport.objects.get(pk=report.pk).status, "queued")

    def test_the_report_page_costs_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(self.page())
        with self.assertNumQueries(11), no_rendering():
            self.client.get(self.page())
        for _n in range(10):
            make_response(self.round, self.round.groups.all()[1], {"S1.K1": "v2"})
        release(Round.objects.get(pk=self.round.pk))
        self.ask()
        with self.assertNumQueries(11), no_rendering():
            self.client.get(self.page())

    def test_outsiders_get_404_and_asking_needs_the_csrf_token(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.page()).status_code, 404)
        self.assertEqual(self.client.post(self.page(), {"kind": "board"}).status_code, 404)
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(self.bob)
        self.assertEqual(csrf_client.post(self.page(), {"kind": "board"}).status_code, 403)
        self.assertFalse(StoredReport.objects.exists())
        other = make_round(self.org_b)
        self.client.force_login(self.carol)
        elsewhere = reverse("round_report", args=[self.org_a.uuid, other.uuid])
        self.assertEqual(self.client.get(elsewhere).status_code, 404)
