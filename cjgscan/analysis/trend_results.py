"""An organisation's rounds of one instrument side by side: a fixed handful of grouped queries, then trend.py.

Keys are matched across instrument versions by their code (S3), characteristics by theirs (S3.K2): a key's score
is compared over the characteristics that every compared round has. Groups are matched by name. Each round is
read through its latest release (cjgscan.analysis.released), never its live answers: a group is shown for a
round only where that release shows it on its own; groups shown together change from round to round and are
not compared. Rounds without a release are named, not compared.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from cjgscan.analysis.trend import NO_ESTIMATE, Change, Estimate, change, combine, comparisons, key_estimates
from cjgscan.instruments.models import Instrument, Item, ScaleOption, Theme
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Answer, Release, RespondentGroup, Response, Round

ALL = ""  # the column of all respondents; groups are columns by name


@dataclass
class TrendRound:
    round: Round
    respondents: int
    points: int
    groups: dict[str, int] = field(default_factory=dict)  # shown group name -> respondents
    keys: dict[str, dict[str, Estimate]] = field(default_factory=dict)  # column -> key code -> estimate
    overall: dict[str, Estimate] = field(default_factory=dict)  # column -> estimate

    def key(self, column: str, code: str) -> Estimate:
        return self.keys.get(column, {}).get(code, NO_ESTIMATE)


@dataclass
class Trend:
    instrument: Instrument
    themes: list[Theme]  # the keys, as the newest compared round's version has them
    rounds: list[TrendRound]  # compared, oldest first
    groups: list[str]  # group names shown in at least one compared round
    base: int | None  # index in rounds of the chosen base round; None: each round against the one before
    left_out_items: list[str]  # characteristics not in every compared round, left out of the comparison
    too_small: list[Round]  # rounds not compared: fewer respondents than their minimum
    other_scale: list[Round]  # rounds not compared: another answer scale

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return comparisons(range(len(self.rounds)), self.base)

    def change(self, column: str, code: str | None, before: int, after: int) -> Change:
        """`code` None: the whole instrument."""
        first, second = self.rounds[before], self.rounds[after]
        if code is None:
            return change(first.overall.get(column, NO_ESTIMATE), second.overall.get(column, NO_ESTIMATE))
        return change(first.key(column, code), second.key(column, code))

    @property
    def latest_pair(self) -> tuple[int, int] | None:
        """The comparison that ends in the newest round (or, with a base, the newest round against the base)."""
        pairs = [pair for pair in self.pairs if len(self.rounds) - 1 in pair]
        return pairs[-1] if pairs else None


def organisation_trend(organisation: Organisation, instrument: Instrument, base: str | None = None) -> Trend:
    """Every round of the instrument with enough respondents and the newest such round's scale, oldest first.

    `base` is a round's uuid to compare every other round with; otherwise each round is compared with the one
    before it. Nine queries, whatever the number of rounds or respondents.
    """
    rounds = list(
        Round.objects.filter(organisation=organisation, version__instrument=instrument)
        .select_related("scale", "version")
        .order_by("opens_on", "created")
    )
    ids = [r.pk for r in rounds]
    # Each round's latest release decides which groups are shown on their own: the same cells as its dashboard.
    latest: dict[int, Release] = {}
    for release in Release.objects.filter(round__in=ids).order_by("round_id", "number"):
        latest[release.round_id] = release
    groups = list(RespondentGroup.objects.filter(round__in=ids).values_list("pk", "round_id", "name"))
    name_of: dict[int, str] = {pk: name for pk, _round_id, name in groups}
    sizes_of: dict[int, dict[int, int]] = defaultdict(dict)  # round -> group pk -> released respondents
    released = Response.objects.released().filter(round__in=ids)
    for round_id, group_id, n in released.values_list("round_id", "group_id").annotate(n=Count("pk")).order_by():
        sizes_of[round_id][group_id] = n
    waiting = set(
        Response.objects.submitted().filter(round__in=ids, release__isnull=True).values_list("round_id", flat=True)
    )
    points_of = dict(
        ScaleOption.objects.filter(scale__in={r.scale_id for r in rounds}, value__isnull=False)
        .values_list("scale_id")
        .annotate(n=Count("pk"))
        .order_by()
    )

    shown: list[TrendRound] = []
    too_small: list[Round] = []
    for round_ in rounds:
        found = latest.get(round_.pk)
        if found is None:
            if round_.pk in waiting:
                too_small.append(round_)
            continue
        sizes = sizes_of[round_.pk]
        alone = [cell[0] for cell in found.group_cells if len(cell) == 1 and sizes.get(cell[0])]
        visible = {name_of[pk]: sizes[pk] for pk in alone}
        shown.append(TrendRound(round_, sum(sizes.values()), points_of.get(round_.scale_id, 0), visible))
    other_scale: list[Round] = []
    if shown:
        scale_code = shown[-1].round.scale.code
        other_scale = [t.round for t in shown if t.round.scale.code != scale_code]
        shown = [t for t in shown if t.round.scale.code == scale_code]

    versions = {t.round.version_id for t in shown}
    codes_per_version: dict[int, dict[str, str]] = defaultdict(dict)  # version -> item code -> key code
    item_code: dict[int, str] = {}
    for pk, version_id, code, key in Item.objects.filter(theme__version__in=versions).values_list(
        "pk", "theme__version_id", "code", "theme__code"
    ):
        codes_per_version[version_id][code] = key
        item_code[pk] = code
    common = set.intersection(*(set(codes_per_version[v]) for v in versions)) if versions else set()
    every_code = set().union(*(codes_per_version[v] for v in versions)) if versions else set()
    items_by_key: dict[str, list[str]] = defaultdict(list)
    newest = shown[-1].round.version_id if shown else None
    for code, key in sorted(codes_per_version[newest].items()) if newest else []:
        if code in common:
            items_by_key[key].append(code)
    themes = list(Theme.objects.filter(version=newest).select_related("cluster").order_by("number")) if newest else []

    # counts[round][column][item code][value] — one GROUP BY over the answers of all compared rounds.
    column_of = {t.round.pk: set(t.groups) for t in shown}
    counts: dict[int, dict[str, dict[str, dict[int, int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    )
    answers = (
        Answer.objects.filter(
            response__round__in=list(column_of),
            response__status=Response.Status.SUBMITTED,
            response__release__isnull=False,
            value__isnull=False,
            item__in=[pk for pk, code in item_code.items() if code in common],
        )
        .values_list("response__round_id", "response__group_id", "item_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for round_id, group_id, item_id, value, n in answers:
        code = item_code[item_id]
        counts[round_id][ALL][code][value] += n
        name = name_of[group_id]
        if name in column_of[round_id]:
            counts[round_id][name][code][value] += n

    for trend_round in shown:
        for column in [ALL, *trend_round.groups]:
            per_key = key_estimates(counts[trend_round.round.pk][column], items_by_key, trend_round.points)
            trend_round.keys[column] = per_key
            trend_round.overall[column] = combine(per_key.values(), trend_round.points)

    seen: list[str] = []
    for trend_round in reversed(shown):
        seen += [name for name in trend_round.groups if name not in seen]
    base_index = next((i for i, t in enumerate(shown) if str(t.round.uuid) == base), None)
    return Trend(
        instrument=instrument,
        themes=themes,
        rounds=shown,
        groups=seen,
        base=base_index,
        left_out_items=sorted(every_code - common),
        too_small=too_small,
        other_scale=other_scale,
    )
