"""The werksessie report: every note per question, the wishes with their votes, the agenda; page, PDF, CSV, XLSX."""

import io

from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from cjgscan.reports.models import StoredReport
from cjgscan.workshops.models import Note, Participant, Vote, Wish, WorkshopQuestion
from tests.base import BaseTestCase
from tests.pdfcheck import tagging, words_outside
from tests.stored_reports import no_rendering, run_report_tasks
from tests.test_report import pdf_text
from tests.test_workshops import make_workshop


class WorkshopReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.workshop = make_workshop(cls.org_a)
        questions = list(WorkshopQuestion.objects.filter(workshop=cls.workshop).order_by("position"))
        cls.first, cls.second = questions[0], questions[1]
        people = [
            Participant.objects.create(workshop=cls.workshop, name=f"Deelnemer{n}", token_hash=f"{n:064}")
            for n in range(3)
        ]
        cls.kept = Note.objects.create(question=cls.first, participant=people[0], text="Samen één visie")
        Note.objects.create(question=cls.first, participant=people[1], text="Visie samen", merged_into=cls.kept)
        Note.objects.create(question=cls.second, participant=people[2], text="=SOM(A1) <b>vet</b>")
        p1, p2 = cls.first.theme, list(cls.workshop.pillars.order_by("number"))[1]
        few = Wish.objects.create(workshop=cls.workshop, theme=p1, participant=people[0], text="Visie op papier")
        many = Wish.objects.create(
            workshop=cls.workshop, theme=p2, participant=people[1], text="Gezamenlijke resultaten"
        )
        for person in people:
            Vote.objects.create(wish=many, participant=person)
        Vote.objects.create(wish=few, participant=people[0])
        cls.other = make_workshop(cls.org_b)

    def url(self, name: str, *extra: str) -> str:
        return reverse(name, args=[self.org_a.uuid, self.workshop.uuid, *extra])

    def test_the_page_shows_every_note_per_question_the_wishes_with_votes_and_the_agenda(self) -> None:
        self.client.force_login(self.bob)
        detail = self.client.get(reverse("workshop_detail", args=[self.org_a.uuid, self.workshop.uuid]))
        self.assertContains(detail, f'href="{self.url("workshop_report")}"')
        with no_rendering(), self.assertNumQueries(14):
            page = self.client.get(self.url("workshop_report"))
        participant = Participant.objects.filter(workshop=self.workshop).first()
        assert participant is not None
        Note.objects.bulk_create(Note(question=self.second, participant=participant, text=f"N{n}") for n in range(20))
        with no_rendering(), self.assertNumQueries(14):
            self.client.get(self.url("workshop_report"))
        content = page.content.decode()
        for text in [
            "Samen één visie",
            "Visie samen",
            "=SOM(A1) &lt;b&gt;vet&lt;/b&gt;",
            self.first.text,
            self.second.text,
        ]:
            self.assertIn(text, content)
        self.assertNotIn("Deelnemer0", content)  # names stay in the room
        agenda = content[content.index('id="agenda"') :]
        self.assertLess(agenda.index("Gezamenlijke resultaten"), agenda.index("Visie op papier"))

    def test_the_pdf_is_made_by_the_worker_tagged_and_complete(self) -> None:
        long = "Een aantekening die langer is dan een regel, met een heel lang woord: " + "werksessieverslag" * 8
        Note.objects.create(question=self.second, participant=Participant.objects.first(), text=long)  # type: ignore[misc]
        self.client.force_login(self.bob)  # a reader may ask
        with no_rendering(), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("workshop_report_pdf"))
        self.assertRedirects(response, self.url("workshop_report") + "#pdf", fetch_redirect_response=False)
        with self.assertNoLogs("cjgscan.lib.typeset", "WARNING"):  # Typst's warnings
            self.assertEqual(run_report_tasks(), 1)
        report = StoredReport.objects.get(workshop=self.workshop, status="ready")
        with no_rendering():
            page = self.client.get(self.url("workshop_report"))
        download = reverse("report_download", args=[self.org_a.uuid, report.uuid])
        self.assertContains(page, f'href="{download}"')
        pdf = self.client.get(download).content
        text = pdf_text(pdf)
        for words in [
            "Samen één visie",
            "Visie samen",
            "=SOM(A1) <b>vet</b>",
            "Gezamenlijke resultaten",
            "Visie op papier",
        ]:
            self.assertIn(words, text)
        found = tagging(pdf)
        self.assertTrue(found.marked)
        self.assertEqual(found.language, "nl")
        self.assertEqual(found.tags.count("H1"), 1)
        self.assertIn("H3", found.tags)
        self.assertIn("Een aantekening die langer is dan een regel", text)
        # Typst, like the round's report: no word past the side margins (16 mm), a footer with page numbers.
        self.assertEqual([(w.page, w.text) for w in words_outside(pdf, 16)], [])
        self.assertIn("Pagina 2 / ", text)
        # A note added afterwards is a new version: the next request asks the worker again.
        Note.objects.create(question=self.second, participant=Participant.objects.first(), text="Nog een")  # type: ignore[misc]
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("workshop_report_pdf"))
        self.assertEqual(run_report_tasks(), 1)

    def test_csv_and_xlsx_hold_every_note_and_wish_without_formulas(self) -> None:
        self.client.force_login(self.bob)
        csv = self.client.get(self.url("workshop_report_table", "csv"))
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        text = csv.content.decode("utf-8-sig")
        self.assertIn("Samen één visie", text)
        self.assertIn("'=SOM(A1) <b>vet</b>", text)  # shown as text, never run as a formula
        self.assertIn("Gezamenlijke resultaten;3;", text)
        xlsx = self.client.get(self.url("workshop_report_table", "xlsx"))
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(len(rows), 1 + 3 + 2)  # header, three notes, two wishes
        self.assertIn(3, [row[4] for row in rows])
        self.assertEqual(self.client.get(self.url("workshop_report_table", "ods")).status_code, 404)

    def test_outsiders_get_404(self) -> None:
        self.client.force_login(self.dave)
        for url in [self.url("workshop_report"), self.url("workshop_report_table", "csv")]:
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(self.url("workshop_report_pdf")).status_code, 404)
        self.client.force_login(self.carol)
        elsewhere = reverse("workshop_report", args=[self.org_a.uuid, self.other.uuid])
        self.assertEqual(self.client.get(elsewhere).status_code, 404)
