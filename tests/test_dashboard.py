"""The results pages through HTTP: figures, suppression, escaping, access and a fixed number of queries."""

from django.urls import reverse

from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease


class DashboardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_profession=True, ask_importance=True)
        groups = list(cls.round.groups.all())
        cls.big, cls.medium, cls.tiny = groups[0], groups[1], groups[2]
        cls.tiny.name = "Piepkleine <groep>"
        cls.tiny.save()
        for n in range(6):
            make_response(
                cls.round,
                cls.big,
                {"S1.K1": "v4", "S1.K2": "v3", "S5.K1": "v1"},
                comments={"S5": f"<script>alert({n})</script> groot"},
                importance={"S5": 5},
                profession="S4.B1",
            )
        for _n in range(5):
            make_response(cls.round, cls.medium, {"S1.K1": "v1", "S1.K2": "v2", "S5.K1": "v1"}, profession="S4.B2")
        make_response(cls.round, cls.tiny, {"S1.K1": "v2"}, comments={"S5": "Herkenbaar commentaar"})
        release(cls.round)

    def overview(self, **params: str) -> str:
        return reverse("results_overview", args=[self.org_a.uuid, self.round.uuid])

    def key(self, code: str) -> str:
        return reverse("results_key", args=[self.org_a.uuid, self.round.uuid, code])

    def test_overview_shows_the_radar_tables_and_lists(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.overview())
        self.assertEqual(page.status_code, 200)
        content = page.content.decode()
        self.assertRegex(content, r'<svg[^>]* role="img"')
        self.assertIn("Inspirerende missie en visie", content)
        self.assertIn(self.big.name, content)
        self.assertIn("Sterke punten", content)
        self.assertIn("3,3", content)  # Dutch decimal comma: key 1 for everyone

    def test_a_small_group_is_shown_nowhere(self) -> None:
        self.client.force_login(self.alice)
        for url in (self.overview(), self.key("S1"), self.key("S5")):
            content = self.client.get(url).content.decode()
            # Named only where the page says, in words, that it is shown together with another group, and why.
            together = "JGZ-medewerkers + Piepkleine &lt;groep&gt; (samen)"
            self.assertIn(together, content)
            self.assertIn("Piepkleine &lt;groep&gt; had minder dan 5 respondenten", content)
            explained = content.replace(together, "").split('<p class="utrecht-paragraph site-muted">')
            rest = "".join(part for part in explained if "samen getoond" not in part.split("</p>")[0])
            self.assertNotIn("Piepkleine", rest)
            self.assertNotIn("Herkenbaar commentaar", content)

    def test_comments_are_escaped_and_tips_shown_for_a_low_key(self) -> None:
        self.client.force_login(self.bob)
        content = self.client.get(self.key("S5")).content.decode()
        self.assertIn("&lt;script&gt;alert(0)&lt;/script&gt; groot", content)
        self.assertNotIn("<script>alert", content)
        self.assertIn("S5.K1", content)
        self.assertIn("Tips", content)
        self.assertNotIn("Tips", self.client.get(self.key("S1")).content.decode().split("Opmerkingen")[1])

    def test_per_profession(self) -> None:
        self.client.force_login(self.bob)
        content = self.client.get(self.overview() + "?per=beroep").content.decode()
        self.assertIn("Jeugdartsen", content)  # 6 respondents
        # 5 nurses protect the one respondent without a profession: together they are one column, named.
        self.assertIn("Jeugdverpleegkundigen + Beroepsgroep niet opgegeven (samen)", content)
        self.assertNotIn("Jeugdverpleegkundigen <span", content)

    def test_nothing_before_enough_respondents(self) -> None:
        unrelease(self.round)
        Round.objects.filter(pk=self.round.pk).update(min_group_size=20)
        release(Round.objects.get(pk=self.round.pk))
        self.client.force_login(self.bob)
        content = self.client.get(self.overview()).content.decode()
        self.assertNotIn("<svg", content)
        self.assertIn("minstens 20", content)

    def test_a_fixed_number_of_queries_whatever_the_number_of_respondents(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(self.overview())
        with self.assertNumQueries(19) as before:  # 13 + the agreed scores + 5 for the release (cells, professions)
            self.client.get(self.overview())
        for _n in range(20):
            make_response(self.round, self.medium, {"S2.K1": "v3", "S3.K1": "v2"})
        release(self.round)
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(self.overview())
        # + the scale labels and the tips, − the agreed scores (only on the overview)
        with self.assertNumQueries(len(before.captured_queries) + 1):
            self.client.get(self.key("S5"))

    def test_outsider_gets_404_reader_may_look(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.overview()).status_code, 404)
        self.assertEqual(self.client.get(self.key("S1")).status_code, 404)
        self.client.force_login(self.carol)
        other = make_round(self.org_b)
        url = reverse("results_overview", args=[self.org_a.uuid, other.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.key("S9")).status_code, 404)


class InterimReleaseTests(BaseTestCase):
    """A coordinator's tussenstand: the same rule as at closing; a lezer 403, an outsider 404."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a)
        cls.group = cls.round.groups.first()
        for _n in range(5):
            make_response(cls.round, cls.group, {"S1.K1": "v2"})

    def url(self) -> str:
        return reverse("results_release", args=[self.org_a.uuid, self.round.uuid])

    def overview(self) -> str:
        return reverse("results_overview", args=[self.org_a.uuid, self.round.uuid])

    def test_access(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.post(self.url()).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(self.url()).status_code, 403)
        self.assertNotContains(self.client.get(self.overview()), self.url())  # no button for a lezer
        self.client.force_login(self.carol)
        self.assertEqual(self.client.get(self.url()).status_code, 405)
        self.assertFalse(self.round.releases.exists())

    def test_the_coordinator_releases_and_later_answers_wait(self) -> None:
        self.client.force_login(self.carol)
        page = self.client.get(self.overview())
        self.assertContains(page, "resultaten worden vrijgegeven als de meting sluit")
        self.assertContains(page, self.url())
        reply = self.client.post(self.url(), follow=True)
        self.assertContains(reply, "De tussenstand is vrijgegeven")
        self.assertContains(reply, "Tussenstand 1 van")
        self.assertContains(self.client.post(self.url(), follow=True), "Er zijn geen nieuwe antwoorden")
        make_response(self.round, self.group, {"S1.K1": "v4"})
        reply = self.client.post(self.url(), follow=True)
        self.assertContains(reply, "Nu geen tussenstand: de nieuwe antwoorden zouden minder dan 5 respondenten")
        self.assertContains(reply, "wachten op de volgende")
        self.assertEqual(self.round.releases.count(), 1)
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.CLOSED)
        reply = self.client.post(self.url(), follow=True)
        self.assertContains(reply, "Een tussenstand kan alleen zolang de meting open is")
