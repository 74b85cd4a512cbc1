"""Change between rounds: pure functions over item summaries, no database.

A key score is the mean of its characteristics' means, as on the dashboard. Its standard error depends on how the
characteristics correlate, which we do not know; the mean of the items' standard errors is an upper bound whatever
the correlation (the standard deviation of a sum is at most the sum of the standard deviations). So the interval
around a change is on the wide side: a change called "clearly" risen or fallen is one that survives the worst case.
Rounds are different, anonymous samples, so their errors add up as independent: √(se₁² + se₂²).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from cjgscan.analysis.stats import Summary, summarise, to_percent

Z95 = 1.96
UP = "up"
SAME = "same"
DOWN = "down"
# The words for a verdict, the same on the trend page and in the report.
VERDICTS = {
    UP: gettext_lazy("clearly risen"),
    SAME: gettext_lazy("the same (within the noise)"),
    DOWN: gettext_lazy("clearly fallen"),
    None: gettext_lazy("too few answers to tell"),
}


@dataclass(frozen=True)
class Estimate:
    """A score (key, or the whole instrument) with an upper bound on its standard error."""

    mean: float | None
    se: float | None  # None when a characteristic has fewer than 2 answers on the scale
    n: int  # respondents with an answer on the scale (the most of any of its characteristics)
    points: int

    @property
    def percent(self) -> float | None:
        return to_percent(self.mean, self.points)


NO_ESTIMATE = Estimate(None, None, 0, 0)


def estimate(summaries: Iterable[Summary], points: int) -> Estimate:
    """The mean of the items' means and (1/k) Σ sd_i / √n_i as its standard error."""
    scored = [s for s in summaries if s.mean is not None]
    if not scored:
        return Estimate(None, None, 0, points)
    mean = sum(s.mean for s in scored if s.mean is not None) / len(scored)
    se = None
    if all(s.n >= 2 and s.sd is not None for s in scored):
        se = sum((s.sd or 0.0) / math.sqrt(s.n) for s in scored) / len(scored)
    return Estimate(mean, se, max(s.n for s in scored), points)


def combine(estimates: Iterable[Estimate], points: int) -> Estimate:
    """The whole instrument: the mean of the key scores; the mean of their errors bounds its error likewise."""
    scored = [e for e in estimates if e.mean is not None]
    if not scored:
        return Estimate(None, None, 0, points)
    mean = sum(e.mean for e in scored if e.mean is not None) / len(scored)
    se = None if any(e.se is None for e in scored) else sum(e.se or 0.0 for e in scored) / len(scored)
    return Estimate(mean, se, max(e.n for e in scored), points)


@dataclass(frozen=True)
class Change:
    """From one round to a later one: the difference in scale points and its 95 % interval."""

    before: Estimate
    after: Estimate
    difference: float | None
    interval: tuple[float, float] | None

    @property
    def verdict(self) -> str | None:
        """'up' or 'down' when the whole interval lies on one side of zero, 'same' when it holds zero."""
        if self.interval is None:
            return None
        low, high = self.interval
        if low > 0:
            return UP
        if high < 0:
            return DOWN
        return SAME


def change(before: Estimate, after: Estimate, z: float = Z95) -> Change:
    if before.mean is None or after.mean is None:
        return Change(before, after, None, None)
    difference = after.mean - before.mean
    if before.se is None or after.se is None:
        return Change(before, after, difference, None)
    margin = z * math.sqrt(before.se**2 + after.se**2)
    return Change(before, after, difference, (difference - margin, difference + margin))


def key_estimates(
    counts: Mapping[str, Mapping[int, int]], items_by_key: Mapping[str, Sequence[str]], points: int
) -> dict[str, Estimate]:
    """Per key code, from answer counts per item code ({"S1.K1": {value: count}}) over the items to compare."""
    return {
        key: estimate((summarise(counts.get(code, {}), points) for code in codes), points)
        for key, codes in items_by_key.items()
    }


def comparisons(indices: Sequence[int], base: int | None = None) -> list[tuple[int, int]]:
    """(from, to) pairs: each round from the one before it, or every other round from the chosen `base`."""
    if base is not None:
        return [(base, i) for i in indices if i != base]
    return list(zip(indices, indices[1:], strict=False))
