"""What a board reads first: the summary of a round's results and the three things to discuss. Pure functions over
plain figures (no database, no request, no translation), so the results page, the PDF report and the werksessie
derive the same topics from the same released figures.

The three things to discuss come from two kinds of candidate:

- a **low** key: weight = its room to grow as a share of the scale, (top − score) ÷ (top − 1), times its mean
  importance ÷ 5 when the round asked for importance (an unimportant weak key matters less);
- a **gap**: a characteristic (or, without one, a key) where the highest and the lowest shown group differ by at
  least `GAP_THRESHOLD` scale points; weight = that difference ÷ (top − 1).

Candidates are taken by weight, highest first (ties: low before gap, then by code), at most one per key, so three
topics name three keys. When gaps exist but none made the three, the best gap replaces the last topic: a board
must hear where its groups disagree, not only where everyone scores low.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

GAP_THRESHOLD = 1.0  # scale points between the highest and the lowest group
TOPICS = 3
LOW = "low"
GAP = "gap"


@dataclass(frozen=True)
class KeyFigure:
    """One key for all respondents."""

    code: str  # "S3"
    title: str
    mean: float | None
    importance: float | None = None  # mean importance 1–5, when asked


@dataclass(frozen=True)
class Spread:
    """A characteristic or a key: its highest and its lowest shown group. One line per subject, not every pair."""

    code: str  # "S3.K2" or "S3"
    key_code: str  # the key it belongs to ("S3")
    text: str
    high_label: str
    high_mean: float
    low_label: str
    low_mean: float

    @property
    def difference(self) -> float:
        return self.high_mean - self.low_mean

    @property
    def is_key(self) -> bool:
        return self.code == self.key_code


@dataclass(frozen=True)
class Topic:
    kind: str  # LOW or GAP
    key_code: str
    weight: float
    key: KeyFigure | None = None  # for LOW
    spread: Spread | None = None  # for GAP


@dataclass(frozen=True)
class Summary:
    overall: float | None
    strongest: KeyFigure | None
    weakest: KeyFigure | None
    widest: Spread | None  # where groups disagree most


def spreads(subjects: Iterable[tuple[str, str, str, Sequence[tuple[str, float | None]]]]) -> list[Spread]:
    """(code, key code, text, [(group label, mean or None), …]) → one Spread per subject that at least two groups
    scored, widest first (ties: characteristics before keys, then by code). Of equal means the first group in
    the given order counts as the highest and the last as the lowest."""
    found = []
    for code, key_code, text, by_group in subjects:
        scored = [(label, mean) for label, mean in by_group if mean is not None]
        if len(scored) < 2:
            continue
        high = max(scored, key=lambda pair: pair[1])  # max/min keep the first of equals
        low = min(reversed(scored), key=lambda pair: pair[1])
        found.append(Spread(code, key_code, text, high[0], high[1], low[0], low[1]))
    return sorted(found, key=lambda s: (-s.difference, s.is_key, _code_order(s.code)))


def summarise(keys: Sequence[KeyFigure], overall: float | None, found: Sequence[Spread]) -> Summary:
    """Overall score, strongest and weakest key (ties: the first in instrument order), the widest spread."""
    scored = [k for k in keys if k.mean is not None]
    strongest = max(scored, key=lambda k: k.mean or 0.0) if scored else None
    weakest = min(scored, key=lambda k: k.mean or 0.0) if scored else None
    widest = min(found, key=lambda s: (-s.difference, s.is_key, _code_order(s.code))) if found else None
    return Summary(overall, strongest, weakest, widest)


def things_to_discuss(
    keys: Sequence[KeyFigure], found: Sequence[Spread], points: int, count: int = TOPICS
) -> list[Topic]:
    """Up to `count` topics, one key each, from low scores weighed by importance and from gaps (module docstring)."""
    if points < 2 or count < 1:
        return []
    room = points - 1
    candidates = [Topic(LOW, k.code, _low_weight(k, points), key=k) for k in keys if k.mean is not None] + [
        Topic(GAP, s.key_code, s.difference / room, spread=s) for s in found if s.difference >= GAP_THRESHOLD - 1e-9
    ]
    candidates.sort(key=_topic_order)
    chosen: list[Topic] = []
    for topic in candidates:
        if len(chosen) == count:
            break
        if all(c.key_code != topic.key_code for c in chosen):
            chosen.append(topic)
    if chosen and all(c.kind != GAP for c in chosen):
        others = chosen[:-1] if len(chosen) == count else chosen
        gap = next((c for c in candidates if c.kind == GAP and all(o.key_code != c.key_code for o in others)), None)
        if gap is not None:
            chosen = [*others, gap]
    return chosen


def _low_weight(key: KeyFigure, points: int) -> float:
    share = (points - (key.mean or 0.0)) / (points - 1)
    return share * (key.importance / 5 if key.importance is not None else 1.0)


def _topic_order(topic: Topic) -> tuple[float, int, tuple[int, ...], str]:
    code = topic.spread.code if topic.spread else topic.key_code
    return (-round(topic.weight, 9), 0 if topic.kind == LOW else 1, _code_order(code), code)


def _code_order(code: str) -> tuple[int, ...]:
    """S3.K10 after S3.K2: the numbers in a code, in order."""
    digits = "".join(ch if ch.isdigit() else " " for ch in code).split()
    return tuple(int(d) for d in digits)
