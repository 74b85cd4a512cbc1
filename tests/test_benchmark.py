"""The comparison with other organisations: opt-in only, at least five others, a band and nothing more."""

import datetime

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cjgscan.analysis.benchmark import other_scores, round_benchmark
from cjgscan.analysis.results import round_results
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_organisation, make_response, make_round, release


def scored_round(organisation: Organisation, value: int, title: str = "Meting", **fields) -> Round:  # type: ignore[no-untyped-def]
    """A round of five respondents who all answer S1.K1 with `value` (key 1 scores `value`)."""
    round_ = make_round(organisation, title=title, **fields)
    group = round_.groups.first()
    for _n in range(5):
        make_response(round_, group, {"S1.K1": f"v{value}", "S2.K1": "v2"})
    release(round_)
    return round_


class BenchmarkTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Organisation.objects.filter(pk=cls.org_a.pk).update(benchmark_opt_in=True)
        cls.org_a.refresh_from_db()
        cls.round = scored_round(cls.org_a, 3)  # key 1: 3 → 66.7 %
        # Four others opted in: key 1 at 1, 2, 4 and 4 (so far not enough to show anything).
        cls.others = []
        for n, value in enumerate((1, 2, 4, 4)):
            other = make_organisation(f"CJG Geheim {n}", benchmark_opt_in=True)
            scored_round(other, value)
            cls.others.append(other)
        # An organisation that did not opt in, with a score that would change the band: never counted.
        cls.outsider = make_organisation("CJG Nietmee")
        for _n in range(3):
            scored_round(cls.outsider, 4)

    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def overview(self) -> str:
        return reverse("results_overview", args=[self.org_a.uuid, self.round.uuid])

    def add_other(self, value: int) -> Organisation:
        other = make_organisation(f"CJG Geheim {len(self.others)}", benchmark_opt_in=True)
        scored_round(other, value)
        self.others.append(other)
        return other

    def test_four_others_are_not_enough(self) -> None:
        found = round_benchmark(round_results(self.round))
        assert found is not None
        assert found["S1"].others == 4 and found["S1"].band is None
        self.client.force_login(self.bob)
        content = self.client.get(self.overview()).content.decode()
        assert "Compared with other organisations" in content
        assert "There is no position to show yet" in content
        assert "quarter</strong>" not in content

    def test_five_others_show_the_band(self) -> None:
        self.add_other(3)  # others: 1, 2, 3, 4, 4 → below 3: two, one tie → (2 + 0.5) / 5 = 0.5 → third quarter
        found = round_benchmark(round_results(self.round))
        assert found is not None
        assert found["S1"].others == 5 and found["S1"].band == "third"
        assert found["S2"].band == "third"  # everyone 2: five ties → rank 0.5, a boundary counts upwards
        self.client.force_login(self.bob)
        content = self.client.get(self.overview()).content.decode()
        assert "<strong>third quarter</strong>" in content
        for other in [*self.others, self.outsider]:
            assert other.name not in content
        assert "100%" not in content.split("Compared with other organisations")[1].split("</section>")[0]

    def test_opted_out_organisations_are_never_counted_and_see_nothing(self) -> None:
        self.add_other(3)
        assert len(other_scores(self.round, 4)["S1"]) == 5  # the outsider's three rounds are not among them
        outsider_round = Round.objects.filter(organisation=self.outsider).first()
        assert outsider_round is not None
        assert round_benchmark(round_results(outsider_round)) is None
        Organisation.objects.filter(pk=self.org_a.pk).update(benchmark_opt_in=False)
        self.client.force_login(self.bob)
        content = self.client.get(self.overview()).content.decode()
        assert "Compared with other organisations" not in content

    def test_an_organisation_counts_once_with_its_newest_closed_round(self) -> None:
        other = self.add_other(1)
        old = datetime.date(2025, 1, 1)
        scored_round(other, 4, "Oud gesloten", opens_on=old, closes_on=old, status=Round.Status.CLOSED)
        # The newest round is open; the closed one counts, not the open one (1) nor both.
        scores = other_scores(self.round, 4)["S1"]
        assert len(scores) == 5
        assert sorted(scores) == [0.0, 100 / 3, 100.0, 100.0, 100.0]
        # A round with too few respondents does not count at all.
        small = make_organisation("CJG Klein", benchmark_opt_in=True)
        small_round = make_round(small)
        make_response(small_round, small_round.groups.first(), {"S1.K1": "v4"})
        assert not release(small_round).accepted
        assert len(other_scores(self.round, 4)["S1"]) == 5

    def test_a_fixed_number_of_queries_whatever_the_number_of_organisations(self) -> None:
        self.add_other(3)
        self.client.force_login(self.bob)
        Organisation.objects.filter(pk=self.org_a.pk).update(benchmark_opt_in=False)
        self.client.get(self.overview())
        with CaptureQueriesContext(connection) as without:  # the dashboard's own tests fix this number
            self.client.get(self.overview())
        Organisation.objects.filter(pk=self.org_a.pk).update(benchmark_opt_in=True)
        with self.assertNumQueries(len(without.captured_queries) + 2) as before:  # the others' rounds, their means
            self.client.get(self.overview())
        for value in (1, 2, 3):
            self.add_other(value)
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(self.overview())


class OptInTests(BaseTestCase):
    def url(self) -> str:
        return reverse("organisation_edit", args=[self.org_a.uuid])

    def test_the_administrator_opts_in_and_out(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.url())
        assert page.status_code == 200 and 'name="benchmark_opt_in"' in page.content.decode()
        data = {"name": "CJG Aadorp", "municipality": "Aadorp", "region": "", "benchmark_opt_in": "on"}
        assert self.client.post(self.url(), data).status_code == 302
        self.org_a.refresh_from_db()
        assert self.org_a.benchmark_opt_in
        del data["benchmark_opt_in"]
        self.client.post(self.url(), data)
        self.org_a.refresh_from_db()
        assert not self.org_a.benchmark_opt_in

    def test_only_the_administrator_may(self) -> None:
        data = {"name": "CJG Aadorp", "benchmark_opt_in": "on"}
        self.client.force_login(self.bob)
        assert self.client.post(self.url(), data).status_code == 403
        self.client.force_login(self.carol)  # coordinator of A
        assert self.client.post(self.url(), data).status_code == 403
        self.client.force_login(self.dave)
        assert self.client.post(self.url(), data).status_code == 404
        self.org_a.refresh_from_db()
        assert not self.org_a.benchmark_opt_in
