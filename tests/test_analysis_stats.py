"""The analysis functions against hand-computed cases."""

import math

import pytest

from cjgscan.analysis.stats import (
    consensus,
    mean_difference_interval,
    median_of,
    merge,
    score,
    score_of_scores,
    summarise,
    to_percent,
)
from cjgscan.analysis.suppression import suppress


def test_summary_by_hand() -> None:
    # Answers 1, 2, 2, 4 and one "don't know": mean 2.25, median 2, sd sqrt(((−1.25)² + 2(−0.25)² + 1.75²)/3)
    s = summarise({1: 1, 2: 2, 4: 1}, points=4, dont_know=1)
    assert s.n == 4 and s.answered == 5 and s.respondents == 5
    assert s.mean == pytest.approx(2.25)
    assert s.median == 2
    assert s.sd == pytest.approx(math.sqrt((1.5625 + 2 * 0.0625 + 3.0625) / 3))
    assert s.distribution == {1: 1, 2: 2, 3: 0, 4: 1}
    assert s.percent == pytest.approx(100 * 1.25 / 3)
    assert s.dont_know_share == pytest.approx(0.2)


def test_all_dont_know_has_no_score() -> None:
    s = summarise({}, points=4, dont_know=3, not_applicable=2)
    assert (s.n, s.mean, s.median, s.sd, s.percent, s.consensus) == (0, None, None, None, None, None)
    assert s.dont_know_share == pytest.approx(0.6)
    assert s.not_applicable_share == pytest.approx(0.4)


def test_single_respondent() -> None:
    s = summarise({3: 1}, points=4)
    assert (s.mean, s.median, s.sd) == (3, 3, 0.0)
    assert s.consensus == "agree"


def test_empty_group() -> None:
    s = summarise({}, points=4)
    assert s.n == 0 and s.mean is None and s.dont_know_share is None


def test_median_of_an_even_number_of_answers_is_the_middle_pair_average() -> None:
    assert median_of({1: 1, 2: 1, 3: 1, 4: 1}) == 2.5
    assert median_of({4: 2}) == 4


def test_consensus_bands() -> None:
    assert consensus(0.3, 4) == "agree"  # 0.3 / 1.5 = 0.2
    assert consensus(0.9, 4) == "mixed"  # 0.6
    assert consensus(1.4, 4) == "divided"
    assert consensus(None, 4) is None
    assert summarise({1: 5, 4: 5}, points=4).consensus == "divided"


def test_percent_ends() -> None:
    assert to_percent(1, 4) == 0
    assert to_percent(4, 4) == 100
    assert to_percent(3, 5) == 50


def test_key_score_is_the_mean_of_item_means_and_ignores_items_without_answers() -> None:
    items = [summarise({4: 2}, 4), summarise({1: 1, 2: 1}, 4), summarise({}, 4, dont_know=3)]
    key = score(items, 4)
    assert key.mean == pytest.approx((4 + 1.5) / 2)
    assert key.items == 2
    overall = score_of_scores([key, score([summarise({2: 1}, 4)], 4)], 4)
    assert overall.mean == pytest.approx((2.75 + 2) / 2)


def test_merge_adds_distributions() -> None:
    merged = merge([summarise({1: 1}, 4, dont_know=1), summarise({3: 2}, 4)], 4)
    assert merged.distribution == {1: 1, 2: 0, 3: 2, 4: 0}
    assert merged.dont_know == 1
    assert merged.mean == pytest.approx(7 / 3)


def test_difference_interval() -> None:
    a = summarise({1: 5, 2: 5}, 4)
    b = summarise({3: 5, 4: 5}, 4)
    low, high = mean_difference_interval(a, b) or (0, 0)
    assert low > 0 and high < 4 and low < 2 < high
    assert mean_difference_interval(summarise({1: 1}, 4), b) is None


class TestSuppression:
    def test_all_groups_large_enough(self) -> None:
        result = suppress({"a": 5, "b": 9}, 5)
        assert result.visible == ("a", "b") and result.merged == () and result.total_visible

    def test_one_small_group_takes_the_next_smallest_with_it(self) -> None:
        # total 5 + 6 + 9 + 2 = 22 with b, c, d shown would give a = 22 − 20 = 2: the subtraction attack.
        result = suppress({"a": 2, "b": 6, "c": 9, "d": 5}, 5)
        assert result.visible == ("b", "c")
        assert result.merged == ("a", "d")
        assert result.reasons == {"a": "too_small", "d": "protects_other"}

    def test_small_groups_that_reach_the_minimum_together_merge(self) -> None:
        result = suppress({"a": 3, "b": 2, "c": 10}, 5)
        assert result.visible == ("c",) and result.merged == ("a", "b")

    def test_everything_below_the_minimum_shows_nothing(self) -> None:
        result = suppress({"a": 2, "b": 2}, 5)
        assert result.visible == () and result.merged == () and not result.total_visible
        assert set(result.hidden) == {"a", "b"}

    def test_empty_groups_are_neither_shown_nor_protected(self) -> None:
        result = suppress({"a": 0, "b": 7, "c": 8}, 5)
        assert result.visible == ("b", "c") and result.merged == ()

    @pytest.mark.parametrize("sizes", [{"a": 1, "b": 5}, {"a": 4, "b": 5, "c": 5}, {"a": 1, "b": 1, "c": 30}])
    def test_no_hidden_group_is_recoverable_by_subtraction(self, sizes: dict[str, int]) -> None:
        result = suppress(sizes, 5)
        shown_sum = sum(sizes[k] for k in result.visible)
        if result.total_visible:
            remainder = sum(sizes.values()) - shown_sum
            assert remainder == 0 or remainder >= 5
        for key, n in sizes.items():
            if 0 < n < 5:
                assert key not in result.visible
