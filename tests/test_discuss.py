"""The summary and the three things to discuss (cjgscan/analysis/discuss.py): hand-computed cases and properties."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjgscan.analysis.discuss import (
    GAP,
    GAP_THRESHOLD,
    LOW,
    KeyFigure,
    spreads,
    summarise,
    things_to_discuss,
)


def test_spreads_one_line_per_characteristic_highest_against_lowest() -> None:
    found = spreads(
        [
            ("S1.K1", "S1", "Visie", [("Bestuur", 3.0), ("Medewerkers", 1.5), ("Partners", 2.0), ("Gemeente", None)]),
            ("S1.K2", "S1", "Missie", [("Bestuur", 2.0), ("Medewerkers", 2.5)]),
            ("S2.K1", "S2", "Alleen", [("Bestuur", 2.0), ("Medewerkers", None)]),  # one group: no spread
        ]
    )
    assert [(s.code, s.high_label, s.high_mean, s.low_label, s.low_mean) for s in found] == [
        ("S1.K1", "Bestuur", 3.0, "Medewerkers", 1.5),  # one line, not the three pairs of three groups
        ("S1.K2", "Medewerkers", 2.5, "Bestuur", 2.0),
    ]
    assert found[0].difference == pytest.approx(1.5)


def test_spreads_ties_first_group_high_last_group_low() -> None:
    (spread,) = spreads([("S1.K1", "S1", "x", [("A", 2.0), ("B", 2.0), ("C", 2.0)])])
    assert (spread.high_label, spread.low_label, spread.difference) == ("A", "C", 0.0)


def test_spreads_sorted_widest_first_then_characteristics_then_code_by_number() -> None:
    found = spreads(
        [
            ("S1", "S1", "key", [("A", 1.0), ("B", 2.0)]),
            ("S1.K10", "S1", "ten", [("A", 1.0), ("B", 2.0)]),
            ("S1.K2", "S1", "two", [("A", 1.0), ("B", 2.0)]),
            ("S2.K1", "S2", "wide", [("A", 1.0), ("B", 3.5)]),
        ]
    )
    assert [s.code for s in found] == ["S2.K1", "S1.K2", "S1.K10", "S1"]


def test_summary_by_hand() -> None:
    keys = [KeyFigure("S1", "1. Waarom", 3.1), KeyFigure("S2", "2. Wat", 2.2), KeyFigure("S3", "3. Hoe", None)]
    found = spreads([("S2.K1", "S2", "x", [("A", 1.0), ("B", 2.4)]), ("S1.K1", "S1", "y", [("A", 1.0), ("B", 2.0)])])
    summary = summarise(keys, 2.65, found)
    assert summary.overall == 2.65
    assert summary.strongest and summary.strongest.code == "S1"
    assert summary.weakest and summary.weakest.code == "S2"
    assert summary.widest and summary.widest.code == "S2.K1"
    empty = summarise([KeyFigure("S1", "1", None)], None, [])
    assert (empty.strongest, empty.weakest, empty.widest) == (None, None, None)


def test_three_things_by_hand_low_scores_weighed_by_importance_and_a_gap() -> None:
    # Scale 1–4 (room = 3). Low weights: S1 (4−1.6)/3 × 5/5 = 0.8; S2 (4−1.3)/3 × 2/5 = 0.36; S3 (4−2.2)/3 × 4/5
    # = 0.48; S4 (4−3.5)/3 × 1 = 0.5/3 ≈ 0.167. Gaps: S4.K1 1.5/3 = 0.5; S1.K2 2.1/3 = 0.7 (but S1 is taken);
    # S3.K1 0.9 < threshold.
    keys = [
        KeyFigure("S1", "1", 1.6, importance=5),
        KeyFigure("S2", "2", 1.3, importance=2),
        KeyFigure("S3", "3", 2.2, importance=4),
        KeyFigure("S4", "4", 3.5),
    ]
    found = spreads(
        [
            ("S4.K1", "S4", "a", [("Bestuur", 4.0), ("Ouders", 2.5)]),
            ("S1.K2", "S1", "b", [("Bestuur", 3.0), ("Ouders", 0.9)]),
            ("S3.K1", "S3", "c", [("Bestuur", 3.0), ("Ouders", 2.1)]),
        ]
    )
    topics = things_to_discuss(keys, found, points=4)
    assert [(t.kind, t.key_code) for t in topics] == [(LOW, "S1"), (GAP, "S4"), (LOW, "S3")]
    assert [round(t.weight, 3) for t in topics] == [0.8, 0.5, 0.48]
    # Without importance the lowest key scores count alone: S2 (0.9) before S1 (0.8).
    plain = [KeyFigure(k.code, k.title, k.mean) for k in keys]
    # By weight the three would be S2 (0.9), S1 (0.8), S3 (0.6), all low: the best gap of another key (S4.K1)
    # takes the third place.
    assert [(t.kind, t.key_code) for t in things_to_discuss(plain, found, points=4)] == [
        (LOW, "S2"),
        (LOW, "S1"),
        (GAP, "S4"),
    ]


def test_no_gap_when_groups_agree_and_nothing_without_scores() -> None:
    keys = [KeyFigure("S1", "1", 2.0), KeyFigure("S2", "2", 3.0)]
    agree = spreads([("S1.K1", "S1", "a", [("A", 2.0), ("B", 2.0 + GAP_THRESHOLD - 0.01)])])
    assert [t.kind for t in things_to_discuss(keys, agree, points=4)] == [LOW, LOW]
    assert things_to_discuss([KeyFigure("S1", "1", None)], [], points=4) == []
    assert things_to_discuss(keys, agree, points=1) == []


key_codes = st.sampled_from([f"S{n}" for n in range(1, 8)])
means = st.one_of(st.none(), st.floats(min_value=1, max_value=5, allow_nan=False))


@st.composite
def rounds(draw: st.DrawFn) -> tuple[list[KeyFigure], list, int]:  # type: ignore[type-arg]
    points = draw(st.integers(min_value=2, max_value=5))
    codes = draw(st.lists(key_codes, unique=True, max_size=7))
    asked = draw(st.booleans())
    keys = [
        KeyFigure(
            code,
            code,
            None if (m := draw(means)) is None else min(m, points),
            draw(st.floats(min_value=1, max_value=5)) if asked else None,
        )
        for code in codes
    ]
    subjects = []
    for code in codes:
        for k in range(draw(st.integers(min_value=0, max_value=4))):
            groups = draw(st.lists(means, max_size=5))
            subjects.append((f"{code}.K{k + 1}", code, "x", [(f"G{g}", m) for g, m in enumerate(groups)]))
    return keys, spreads(subjects), points


@settings(max_examples=300, deadline=None)
@given(rounds(), st.integers(min_value=1, max_value=4), st.randoms(use_true_random=False))
def test_topics_properties(case: tuple[list[KeyFigure], list, int], count: int, rnd: random.Random) -> None:  # type: ignore[type-arg]
    keys, found, points = case
    topics = things_to_discuss(keys, found, points, count)
    codes = [t.key_code for t in topics]
    assert len(topics) <= count
    assert len(set(codes)) == len(codes), "one topic per key"
    scored = {k.code for k in keys if k.mean is not None}
    gap_keys = {s.key_code for s in found if s.difference >= GAP_THRESHOLD - 1e-9}
    assert set(codes) <= scored | gap_keys
    # As many topics as there are distinct keys to talk about, up to count.
    assert len(topics) == min(count, len(scored | gap_keys))
    for topic in topics:
        assert topic.weight >= 0
        assert (topic.kind == LOW) == (topic.key is not None) and (topic.kind == GAP) == (topic.spread is not None)
        if topic.spread:
            assert topic.spread.difference >= GAP_THRESHOLD - 1e-9
    # A gap is named whenever there is one about a key the topics do not already cover.
    if gap_keys and all(t.kind != GAP for t in topics):
        assert gap_keys <= set(codes)
    # The order of the input does not matter.
    shuffled_keys, shuffled_found = keys[:], found[:]
    rnd.shuffle(shuffled_keys)
    rnd.shuffle(shuffled_found)
    assert things_to_discuss(shuffled_keys, shuffled_found, points, count) == topics


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(key_codes, st.lists(means, max_size=6)), max_size=10))
def test_spread_is_highest_minus_lowest(subjects: list[tuple[str, list[float | None]]]) -> None:
    found = spreads(
        [(f"{code}.K{n}", code, "x", [(f"G{g}", m) for g, m in enumerate(ms)]) for n, (code, ms) in enumerate(subjects)]
    )
    for spread in found:
        index = int(spread.code.rsplit("K", 1)[1])
        scored = [m for m in subjects[index][1] if m is not None]
        assert spread.high_mean == max(scored) and spread.low_mean == min(scored)
    assert [s.difference for s in found] == sorted((s.difference for s in found), reverse=True)
    assert len(found) == sum(1 for _code, ms in subjects if sum(m is not None for m in ms) >= 2)
