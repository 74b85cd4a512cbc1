"""Trend and benchmark arithmetic, computed by hand."""

import math

import pytest

from cjgscan.analysis.benchmark import band, compare, percentile_rank
from cjgscan.analysis.stats import summarise
from cjgscan.analysis.trend import (
    DOWN,
    SAME,
    UP,
    Estimate,
    change,
    combine,
    comparisons,
    estimate,
    key_estimates,
)


def test_a_key_estimate_is_the_mean_of_item_means_with_the_mean_of_their_errors() -> None:
    # Item A: answers 2 and 4 → mean 3, sd √2, se √2/√2 = 1. Item B: 3, 3, 3 → mean 3, sd 0, se 0.
    # Item C: only "don't know" → no mean, left out.
    a = summarise({2: 1, 4: 1}, 4)
    b = summarise({3: 3}, 4)
    c = summarise({}, 4, dont_know=2)
    result = estimate([a, b, c], 4)
    assert result.mean == pytest.approx(3.0)
    assert result.se == pytest.approx((1 + 0) / 2)
    assert result.n == 3
    assert result.percent == pytest.approx(100 * 2 / 3)


def test_a_characteristic_with_one_answer_leaves_the_error_unknown() -> None:
    result = estimate([summarise({2: 1}, 4), summarise({3: 2, 4: 2}, 4)], 4)
    assert result.mean == pytest.approx((2 + 3.5) / 2)
    assert result.se is None
    assert estimate([summarise({}, 4)], 4).mean is None


def test_the_error_bound_holds_even_when_items_move_together() -> None:
    # Two identical items (perfect correlation): the key score's real error equals one item's error,
    # which the bound gives exactly; an independence assumption would give it √2 too small.
    item = summarise({1: 2, 2: 3, 4: 5}, 4)
    assert estimate([item, item], 4).se == pytest.approx((item.sd or 0) / math.sqrt(item.n))


def test_combine_averages_key_scores_and_their_errors() -> None:
    result = combine([Estimate(2.0, 0.2, 10, 4), Estimate(4.0, 0.4, 12, 4), Estimate(None, None, 0, 4)], 4)
    assert (result.mean, result.se, result.n) == (pytest.approx(3.0), pytest.approx(0.3), 12)
    assert combine([Estimate(2.0, None, 1, 4), Estimate(3.0, 0.1, 5, 4)], 4).se is None


def test_a_change_within_the_noise() -> None:
    # 2,0 → 2,8: margin 1,96 × √(0,3² + 0,4²) = 1,96 × 0,5 = 0,98, so the interval (−0,18; 1,78) holds zero.
    result = change(Estimate(2.0, 0.3, 20, 4), Estimate(2.8, 0.4, 20, 4))
    assert result.difference == pytest.approx(0.8)
    assert result.interval == (pytest.approx(-0.18), pytest.approx(1.78))
    assert result.verdict == SAME


def test_a_clear_rise_and_a_clear_fall() -> None:
    # 2,0 → 2,8 with errors 0,3 and 0,1: margin 1,96 × √0,1 = 0,6198: the interval (0,18; 1,42) is above zero.
    rise = change(Estimate(2.0, 0.3, 20, 4), Estimate(2.8, 0.1, 20, 4))
    assert rise.interval == (pytest.approx(0.8 - 0.61980, abs=1e-4), pytest.approx(0.8 + 0.61980, abs=1e-4))
    assert rise.verdict == UP
    fall = change(Estimate(2.8, 0.1, 20, 4), Estimate(2.0, 0.3, 20, 4))
    assert fall.difference == pytest.approx(-0.8) and fall.verdict == DOWN


def test_no_verdict_without_errors_and_no_change_without_both_scores() -> None:
    unknown = change(Estimate(2.0, None, 1, 4), Estimate(3.0, 0.1, 9, 4))
    assert unknown.difference == pytest.approx(1.0) and unknown.interval is None and unknown.verdict is None
    missing = change(Estimate(None, None, 0, 4), Estimate(3.0, 0.1, 9, 4))
    assert missing.difference is None and missing.verdict is None


def test_key_estimates_from_counts_per_item_code() -> None:
    counts = {"S1.K1": {1: 3, 2: 3}, "S1.K2": {4: 6}, "S2.K1": {3: 1, 4: 1}}
    result = key_estimates(counts, {"S1": ["S1.K1", "S1.K2"], "S2": ["S2.K1"], "S3": ["S3.K1"]}, 4)
    # S1.K1: mean 1,5, sd √(6 × 0,25 / 5) = √0,3, se √0,3/√6 = √0,05. S1.K2: mean 4, se 0.
    assert result["S1"].mean == pytest.approx((1.5 + 4) / 2)
    assert result["S1"].se == pytest.approx(math.sqrt(0.05) / 2)
    assert result["S2"].mean == pytest.approx(3.5) and result["S2"].se == pytest.approx(math.sqrt(0.5) / math.sqrt(2))
    assert result["S3"].mean is None


def test_comparisons_consecutive_or_against_a_base() -> None:
    assert comparisons([0, 1, 2]) == [(0, 1), (1, 2)]
    assert comparisons([0, 1, 2], base=1) == [(1, 0), (1, 2)]
    assert comparisons([0]) == []


def test_percentile_rank_and_band() -> None:
    others = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile_rank(35.0, others) == pytest.approx(3 / 5)  # three below
    assert percentile_rank(20.0, others) == pytest.approx(1.5 / 5)  # one below, one tie counts half
    assert percentile_rank(5.0, others) == 0 and percentile_rank(60.0, others) == 1
    assert [band(r) for r in (0, 0.2, 0.25, 0.3, 0.5, 0.6, 0.75, 1)] == [
        "bottom",
        "bottom",
        "second",
        "second",
        "third",
        "third",
        "top",
        "top",
    ]


def test_compare_shows_a_band_only_with_enough_others() -> None:
    others = {"S1": [10.0, 20.0, 30.0, 40.0, 50.0], "S2": [10.0, 20.0, 30.0, 40.0]}
    result = compare({"S1": 35.0, "S2": 99.0, "S3": 50.0, "S4": None}, others | {"S4": others["S1"]})
    assert result["S1"].band == "third" and result["S1"].others == 5  # 3 of 5 below: rank 0,6
    assert result["S2"].band is None and result["S2"].others == 4
    assert result["S3"].band is None and result["S3"].others == 0
    assert result["S4"].band is None  # no own score


def test_band_of_the_highest_score_is_the_top_quarter() -> None:
    assert compare({"S1": 55.0}, {"S1": [10.0, 20.0, 30.0, 40.0, 50.0]})["S1"].band == "top"
    assert compare({"S1": 5.0}, {"S1": [10.0, 20.0, 30.0, 40.0, 50.0]})["S1"].band == "bottom"
