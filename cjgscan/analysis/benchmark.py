"""Where an organisation stands among the other organisations that take part: a quarter band per key, nothing more.

Only organisations that opted in are counted and only they see it. Of each other organisation one round counts:
its newest closed round of the same instrument and answer scale that has a release (or, if none is closed, its
newest such round), with the answers of its latest release only. Keys are matched by their code. The band is
shown only when at least MIN_OTHERS other organisations have a score for the key; no other organisation's name,
score or count per band leaves this module.
"""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Avg

from cjgscan.analysis.results import ALL, RoundResults
from cjgscan.analysis.stats import to_percent
from cjgscan.rounds.models import Answer, Response, Round

MIN_OTHERS = 5
BANDS = ("bottom", "second", "third", "top")  # quarters, lowest first


def percentile_rank(own: float, others: Sequence[float]) -> float:
    """The share of others below `own`, ties counting half: 0 below everyone, 1 above everyone."""
    below = sum(1 for other in others if other < own - 1e-9)
    equal = sum(1 for other in others if abs(other - own) <= 1e-9)
    return (below + equal / 2) / len(others)


def band(rank: float) -> str:
    """The quarter a percentile rank falls in; a rank on a boundary counts to the upper quarter."""
    return BANDS[min(int(rank * 4 + 1e-9), 3)]


@dataclass(frozen=True)
class KeyBenchmark:
    code: str
    own: float | None  # this organisation's key score, as a percentage
    others: int  # how many other organisations have a score for the key
    band: str | None  # None: not shown (no own score or fewer than MIN_OTHERS others)


def compare(
    own: Mapping[str, float | None], others: Mapping[str, Sequence[float]], minimum: int = MIN_OTHERS
) -> dict[str, KeyBenchmark]:
    """Per key code: the band of `own` among the others' scores, when there are at least `minimum` of them."""
    result = {}
    for code, score in own.items():
        scores = others.get(code, [])
        found = band(percentile_rank(score, scores)) if score is not None and len(scores) >= minimum else None
        result[code] = KeyBenchmark(code, score, len(scores), found)
    return result


def other_scores(round_: Round, points: int) -> dict[str, list[float]]:
    """Per key code, the key scores (0–100 %) of the other opted-in organisations. Two queries."""
    # Only rounds with a release count, and only their released answers (all respondents: a cell of at least
    # the minimum by the release rule).
    candidates = (
        Round.objects.filter(
            organisation__benchmark_opt_in=True,
            version__instrument_id=round_.version.instrument_id,
            scale__code=round_.scale.code,
            releases__isnull=False,
        )
        .exclude(organisation_id=round_.organisation_id)
        .distinct()
        .values_list("pk", "organisation_id", "status", "opens_on", "created")
    )
    # Per organisation its best round so far: (closed, opens on, created, round id), compared as a tuple.
    chosen: dict[int, tuple[bool, datetime.date, datetime.datetime, int]] = {}
    for pk, organisation_id, status, opens_on, created in candidates:
        rank = (status == Round.Status.CLOSED, opens_on, created, pk)
        if organisation_id not in chosen or rank > chosen[organisation_id]:
            chosen[organisation_id] = rank
    if not chosen:
        return {}
    # A key score is the mean of its items' means, as on the dashboard: the database averages per item.
    item_means = (
        Answer.objects.filter(
            response__round__in=[rank[3] for rank in chosen.values()],
            response__status=Response.Status.SUBMITTED,
            response__release__isnull=False,
            value__isnull=False,
        )
        .values_list("response__round_id", "item__theme__code", "item_id")
        .annotate(mean=Avg("value"))
        .order_by()
    )
    per_key: dict[tuple[int, str], list[float]] = defaultdict(list)
    for round_id, code, _item_id, mean in item_means:
        per_key[(round_id, code)].append(float(mean))
    scores: dict[str, list[float]] = defaultdict(list)
    for (_round_id, code), item_scores in per_key.items():
        key_mean = sum(item_scores) / len(item_scores)
        percent = to_percent(key_mean, points)
        if percent is not None:
            scores[code].append(percent)
    return dict(scores)


def round_benchmark(results: RoundResults) -> dict[str, KeyBenchmark] | None:
    """The bands of a round's key scores (all respondents); None unless its organisation takes part."""
    if not results.round.organisation.benchmark_opt_in or not results.visible:
        return None
    own = {theme.code: results.keys[theme.pk][ALL].percent for theme in results.themes}
    return compare(own, other_scores(results.round, results.points))
