"""Round results from the database: figures, suppression, gaps, comments, in a fixed number of queries."""

import pytest

from cjgscan.analysis.results import ALL, OTHER, round_results
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease


class RoundResultsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_importance=True, min_group_size=3)
        cls.g1, cls.g2, cls.g3 = list(cls.round.groups.all()[:3])
        # Group 1: four people who see key 1 as largely present; group 2: three who see it as absent.
        for value in ("v3", "v3", "v4", "v4"):
            make_response(
                cls.round,
                cls.g1,
                {"S1.K1": value, "S1.K2": "v4", "S2.K1": "dont_know"},
                comments={"S1": "Sterk <b>punt</b>"},
                importance={"S1": 5},
            )
        for value in ("v1", "v1", "v2"):
            make_response(cls.round, cls.g2, {"S1.K1": value, "S1.K2": "v1"}, comments={"S1": "Weinig bekend"})
        # Group 3: one person (below the minimum) and one unfinished response that never counts.
        make_response(cls.round, cls.g3, {"S1.K1": "v4"}, comments={"S1": "Alleen ik"})
        make_response(cls.round, cls.g3, {"S1.K1": "v1"}, submitted=False)
        release(cls.round)

    def results(self):  # type: ignore[no-untyped-def]
        return round_results(Round.objects.select_related("version", "scale").get(pk=self.round.pk))

    def test_figures_per_item_and_key_by_hand(self) -> None:
        results = self.results()
        item = results.items[self.item("S1.K1")]
        assert item[ALL].n == 8 and item[ALL].mean == pytest.approx((3 + 3 + 4 + 4 + 1 + 1 + 2 + 4) / 8)
        assert item[str(self.g1.uuid)].mean == pytest.approx(3.5)
        # Group 2 (3) protects group 3 (1): together they are "other", answers 1, 1, 2 and 4.
        assert item[OTHER].median == 1.5
        assert item[OTHER].distribution == {1: 2, 2: 1, 3: 0, 4: 1}
        key = results.keys[self.theme("S1")][str(self.g1.uuid)]
        assert key.mean == pytest.approx((3.5 + 4) / 2)
        assert results.items[self.item("S2.K1")][ALL].dont_know == 4
        assert results.items[self.item("S2.K1")][ALL].mean is None
        assert results.respondents == 8

    def test_a_group_below_the_minimum_is_never_shown_nor_recoverable(self) -> None:
        results = self.results()
        keys = [c.key for c in results.columns]
        assert str(self.g3.uuid) not in keys and str(self.g2.uuid) not in keys
        # Group 3 (1 person) merged with the next-smallest group: "other" has 4, the total minus shown groups too.
        assert OTHER in keys and next(c for c in results.columns if c.key == OTHER).respondents == 4
        shown = sum(c.respondents for c in results.columns if c.key not in (ALL,))
        assert shown == results.respondents
        assert all(c.respondents >= 3 for c in results.columns)
        for summaries in results.items.values():
            assert str(self.g3.uuid) not in summaries

    def test_comments_come_only_from_shown_groups_unattributed(self) -> None:
        comments = self.results().comments[self.theme("S1")]
        assert comments == ["Sterk <b>punt</b>"] * 4
        assert "Alleen ik" not in comments and "Weinig bekend" not in comments

    def test_gaps_largest_first(self) -> None:
        self.round.min_group_size = 3
        gaps = self.results().gaps(1.0)
        assert gaps, "groups 1 and 2 differ by more than a point"
        assert gaps == sorted(gaps, key=lambda g: -g.difference)
        assert {g.subject.code for g in gaps} >= {"S1", "S1.K2"}
        assert all({g.first.key, g.second.key} <= {str(self.g1.uuid), OTHER} for g in gaps)

    def test_strengths_improvements_and_priorities(self) -> None:
        results = self.results()
        assert results.strengths(1)[0][0].code == "S1.K2" or results.strengths(1)[0][1].mean >= 2.5
        assert results.importance[self.theme("S1")] == 5
        theme, importance, room, priority = results.priorities()[0]
        assert theme.code == "S1" and priority == pytest.approx(importance * room)

    def test_nothing_is_shown_when_everyone_together_is_below_the_minimum(self) -> None:
        unrelease(self.round)
        Round.objects.filter(pk=self.round.pk).update(min_group_size=50)
        self.assertFalse(release(Round.objects.get(pk=self.round.pk)).accepted)
        results = self.results()
        assert not results.visible and results.columns == [] and results.items == {}

    def test_a_fixed_number_of_queries_whatever_the_size(self) -> None:
        round_ = Round.objects.select_related("version", "scale").get(pk=self.round.pk)
        with self.assertNumQueries(10):
            round_results(round_)
        for _ in range(10):
            make_response(self.round, self.g2, {"S3.K1": "v2"})
        release(self.round)
        round_ = Round.objects.select_related("version", "scale").get(pk=self.round.pk)
        with self.assertNumQueries(10):
            round_results(round_)

    def item(self, code: str) -> int:
        return next(i.pk for t in self.results().themes for i in t.items.all() if i.code == code)

    def theme(self, code: str) -> int:
        return next(t.pk for t in self.results().themes if t.code == code)
