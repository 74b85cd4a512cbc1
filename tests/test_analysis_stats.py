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
