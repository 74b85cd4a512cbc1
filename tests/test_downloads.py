"""Every download (CSV, XLSX, PDF, YAML, QR image) carries Cache-Control: no-store, so that no browser cache on a
shared computer and no proxy keeps an organisation's data (issue 13, item 7)."""

from django.urls import reverse

from cjgscan.development.models import Action
from cjgscan.reports.models import StoredReport
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release
from tests.stored_exports import ask_for_answers, run_export_tasks
from tests.stored_reports import paper_questionnaire, run_report_tasks
from tests.test_workshops import make_workshop


class DownloadCacheTests(BaseTestCase):
    def test_every_download_is_no_store(self) -> None:
        round_ = make_round(self.org_a, title="Meting")
        group = round_.groups.first()
        assert group is not None
        for _n in range(5):
            make_response(round_, group, {"S1.K1": "v3"})
        release(round_)
        Action.objects.create(organisation=self.org_a, round=round_, title="Visie opschrijven")
        workshop = make_workshop(self.org_a)
        org, rnd = self.org_a.uuid, round_.uuid
        downloads = {
            "figures csv": reverse("round_export", args=[org, rnd]) + "?inhoud=cijfers&formaat=csv",
            "figures xlsx": reverse("round_export", args=[org, rnd]) + "?inhoud=cijfers&formaat=xlsx",
            "action plan csv": reverse("action_export", args=[org]),
            "import template csv": reverse("paper_import_template", args=[org, rnd]),
            "group sheet pdf": reverse("group_sheet_pdf", args=[org, rnd, group.uuid]),
            "group qr png": reverse("group_qr_png", args=[org, rnd, group.uuid]),
            "group qr svg": reverse("group_qr_svg", args=[org, rnd, group.uuid]),
            "workshop report csv": reverse("workshop_report_table", args=[org, workshop.uuid, "csv"]),
            "instrument yaml": reverse("instrument_yaml", args=["zeven-sleutels"]) + "?versie=1",
        }
        self.client.force_login(self.alice)
        # The board report: asked for, made by the worker, then downloaded (the old rapport.pdf redirects).
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("round_report", args=[org, rnd]), {"kind": StoredReport.Kind.BOARD})
        self.assertEqual(run_report_tasks(), 1)
        report = StoredReport.objects.get(round=round_)
        downloads["report pdf"] = reverse("report_download", args=[org, report.uuid])
        paper_questionnaire(self, round_)
        paper = StoredReport.objects.get(round=round_, kind=StoredReport.Kind.PAPER)
        downloads["paper questionnaire pdf"] = reverse("report_download", args=[org, paper.uuid])
        # The answers: asked for, made by the worker, then downloaded.
        with self.captureOnCommitCallbacks(execute=True):
            export = ask_for_answers(self.client, round_, "xlsx")
        self.assertEqual(run_export_tasks(), 1)
        downloads["answers xlsx"] = reverse("export_download", args=[org, export.uuid])
        for name, url in downloads.items():
            with self.subTest(name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
                directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
                self.assertIn("no-store", directives, (name, response.get("Cache-Control")))

    def test_pages_keep_their_own_caching(self) -> None:
        """The rule is for downloads: an ordinary page is not touched by it."""
        self.client.force_login(self.alice)
        response = self.client.get(reverse("organisation_home", args=[self.org_a.uuid]))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("no-store", response.get("Cache-Control", ""))
