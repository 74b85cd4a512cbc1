"""Statistics over frequency tables: {scale value: count}. Pure functions, no database.

Answers are stored as counts per answer option, so everything here works on distributions, whatever the number
of respondents: the database does the counting (GROUP BY), these functions do the arithmetic.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Consensus bands on the spread relative to the largest spread the scale allows (half its range).
CONSENSUS_AGREE = 0.4
CONSENSUS_MIXED = 0.7


@dataclass(frozen=True)
class Summary:
    """One item (or a key, or the whole instrument) for one set of respondents."""

    n: int  # answers that count (on the scale)
    mean: float | None
    median: float | None
    sd: float | None
    distribution: dict[int, int]  # scale value -> count
    dont_know: int = 0
    not_applicable: int = 0
    points: int = 4
    respondents: int = 0  # everyone who gave any answer to it, "don't know" included

    @property
    def answered(self) -> int:
        return self.n + self.dont_know + self.not_applicable

    @property
    def percent(self) -> float | None:
        return to_percent(self.mean, self.points)

    @property
    def dont_know_share(self) -> float | None:
        return self.dont_know / self.answered if self.answered else None

    @property
    def not_applicable_share(self) -> float | None:
        return self.not_applicable / self.answered if self.answered else None

    @property
    def consensus(self) -> str | None:
        return consensus(self.sd, self.points)


def to_percent(mean: float | None, points: int) -> float | None:
    """1 … points on the scale as 0 … 100 %."""
    if mean is None or points < 2:
        return None
    return 100 * (mean - 1) / (points - 1)


def consensus(sd: float | None, points: int) -> str | None:
    """'agree', 'mixed' or 'divided', from the spread relative to the largest spread the scale allows."""
    if sd is None or points < 2:
        return None
    relative = sd / ((points - 1) / 2)
    if relative <= CONSENSUS_AGREE:
        return "agree"
    if relative <= CONSENSUS_MIXED:
        return "mixed"
    return "divided"


def median_of(distribution: Mapping[int, int]) -> float | None:
    n = sum(distribution.values())
    if n == 0:
        return None
    ordered = sorted(distribution.items())

    def at(position: int) -> int:  # the value at 0-based position in the sorted answers
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        raise AssertionError  # unreachable

    if n % 2:
        return float(at(n // 2))
    return (at(n // 2 - 1) + at(n // 2)) / 2


def summarise(distribution: Mapping[int, int], points: int, dont_know: int = 0, not_applicable: int = 0) -> Summary:
    """Mean, median and (sample) standard deviation of the answers on the scale."""
    counts = {value: count for value, count in distribution.items() if count}
    n = sum(counts.values())
    mean = sum(v * c for v, c in counts.items()) / n if n else None
    sd = None
    if n >= 2 and mean is not None:
        sd = math.sqrt(sum(c * (v - mean) ** 2 for v, c in counts.items()) / (n - 1))
    elif n == 1:
        sd = 0.0
    return Summary(
        n=n,
        mean=mean,
        median=median_of(counts),
        sd=sd,
        distribution={value: counts.get(value, 0) for value in range(1, points + 1)},
        dont_know=dont_know,
        not_applicable=not_applicable,
        points=points,
        respondents=n + dont_know + not_applicable,
    )


def merge(summaries: Iterable[Summary], points: int) -> Summary:
    """The summary of several sets of respondents together (their distributions added up)."""
    distribution: dict[int, int] = {}
    dont_know = not_applicable = 0
    for summary in summaries:
        for value, count in summary.distribution.items():
            distribution[value] = distribution.get(value, 0) + count
        dont_know += summary.dont_know
        not_applicable += summary.not_applicable
    return summarise(distribution, points, dont_know, not_applicable)


@dataclass(frozen=True)
class Score:
    """A key, cluster or the whole instrument: the mean of its items' means (each item weighs the same)."""

    mean: float | None
    points: int
    items: int  # items with a mean
    sd: float | None = None  # the mean spread of its items, for consensus
    parts: tuple[float, ...] = field(default=(), repr=False)

    @property
    def percent(self) -> float | None:
        return to_percent(self.mean, self.points)

    @property
    def consensus(self) -> str | None:
        return consensus(self.sd, self.points)


def score(summaries: Iterable[Summary], points: int) -> Score:
    listed = list(summaries)
    means = [s.mean for s in listed if s.mean is not None]
    sds = [s.sd for s in listed if s.sd is not None and s.n >= 2]
    return Score(
        mean=sum(means) / len(means) if means else None,
        points=points,
        items=len(means),
        sd=sum(sds) / len(sds) if sds else None,
        parts=tuple(means),
    )


def score_of_scores(scores: Iterable[Score], points: int) -> Score:
    """A cluster or the whole instrument: the mean of its key scores."""
    listed = [s for s in scores if s.mean is not None]
    means = [s.mean for s in listed if s.mean is not None]
    sds = [s.sd for s in listed if s.sd is not None]
    return Score(
        mean=sum(means) / len(means) if means else None,
        points=points,
        items=sum(s.items for s in listed),
        sd=sum(sds) / len(sds) if sds else None,
        parts=tuple(means),
    )


def mean_difference_interval(a: Summary, b: Summary, z: float = 1.96) -> tuple[float, float] | None:
    """A 95 % confidence interval for mean(b) − mean(a) (Welch, normal approximation); None when too small."""
    if a.mean is None or b.mean is None or a.n < 2 or b.n < 2 or a.sd is None or b.sd is None:
        return None
    difference = b.mean - a.mean
    margin = z * math.sqrt(a.sd**2 / a.n + b.sd**2 / b.n)
    return difference - margin, difference + margin
