"""A round's results: a fixed handful of grouped queries, then the pure functions of stats and suppression.

Columns are "all respondents", each group that may be shown, and "other" for small groups merged as the
suppression rules allow. No figure of a group below the round's minimum leaves this module.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from cjgscan.analysis.stats import Score, Summary, merge, score, score_of_scores, summarise
from cjgscan.analysis.suppression import Suppression, suppress
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Item, Theme
from cjgscan.rounds.models import OTHER_PROFESSION, Answer, Response, Round, ThemeAnswer

ALL = "all"
OTHER = "other"
DEFAULT_GAP = 1.0


@dataclass(frozen=True)
class Column:
    key: str  # ALL, OTHER or a group's uuid
    label: str
    respondents: int


@dataclass(frozen=True)
class Gap:
    """Two groups that see an item or a key differently."""

    subject: Item | Theme
    first: Column
    second: Column
    first_mean: float
    second_mean: float

    @property
    def difference(self) -> float:
        return abs(self.first_mean - self.second_mean)


@dataclass
class RoundResults:
    round: Round
    points: int
    themes: list[Theme]
    columns: list[Column]
    suppression: Suppression[str]
    respondents: int
    items: dict[int, dict[str, Summary]] = field(default_factory=dict)  # item id -> column -> summary
    keys: dict[int, dict[str, Score]] = field(default_factory=dict)  # theme id -> column -> score
    clusters: dict[int, dict[str, Score]] = field(default_factory=dict)
    overall: dict[str, Score] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)  # theme id -> comments of visible groups
    importance: dict[int, float] = field(default_factory=dict)  # theme id -> mean importance (all)

    @property
    def visible(self) -> bool:
        return self.suppression.total_visible

    @property
    def group_columns(self) -> list[Column]:
        return [c for c in self.columns if c.key != ALL]

    def all_items(self) -> list[Item]:
        return [item for theme in self.themes for item in theme.items.all()]

    def gaps(self, threshold: float = DEFAULT_GAP) -> list[Gap]:
        """Items and keys where two shown groups differ by `threshold` scale points or more, largest first."""
        found: list[Gap] = []
        columns = self.group_columns
        subjects: list[tuple[Item | Theme, dict[str, Any]]] = [(t, self.keys.get(t.pk, {})) for t in self.themes]
        subjects += [(i, self.items.get(i.pk, {})) for i in self.all_items()]
        for subject, by_column in subjects:
            for a_index, a in enumerate(columns):
                for b in columns[a_index + 1 :]:
                    first, second = by_column.get(a.key), by_column.get(b.key)
                    if first is None or second is None or first.mean is None or second.mean is None:
                        continue
                    if abs(first.mean - second.mean) >= threshold - 1e-9:
                        found.append(Gap(subject, a, b, first.mean, second.mean))
        return sorted(found, key=lambda g: (-g.difference, isinstance(g.subject, Item), g.subject.code))

    def ranked_items(self) -> list[tuple[Item, Summary]]:
        """Items with a score for all respondents, best first."""
        scored = [(i, self.items[i.pk][ALL]) for i in self.all_items() if self.items.get(i.pk, {}).get(ALL)]
        scored = [(i, s) for i, s in scored if s.mean is not None]
        return sorted(scored, key=lambda pair: (-(pair[1].mean or 0), pair[0].theme.number, pair[0].position))

    def strengths(self, count: int = 5) -> list[tuple[Item, Summary]]:
        return self.ranked_items()[:count]

    def improvements(self, count: int = 5) -> list[tuple[Item, Summary]]:
        return list(reversed(self.ranked_items()))[:count]

    def priorities(self) -> list[tuple[Theme, float, float, float]]:
        """(key, importance, room to grow, priority = importance × room to grow), highest priority first."""
        rows = []
        for theme in self.themes:
            key_score = self.keys.get(theme.pk, {}).get(ALL)
            importance = self.importance.get(theme.pk)
            if key_score is None or key_score.mean is None or importance is None:
                continue
            room = self.points - key_score.mean
            rows.append((theme, importance, room, importance * room))
        return sorted(rows, key=lambda row: -row[3])


GROUPS = "group"
PROFESSIONS = "profession"


def _breakdown(round_: Round, dimension: str) -> tuple[str, list[tuple[str, str]], dict[Any, str]]:
    """The response field to group by, the (key, label) of each category, and field value -> key."""
    if dimension == PROFESSIONS:
        named = [(p.code, tr(p.name)) for p in round_.version.professions.order_by("position")]
        categories = [*named, (OTHER_PROFESSION, _("Other profession")), ("", _("Profession not given"))]
        key_of: dict[Any, str] = {code: code or "none" for code, _label in categories}
        return "profession", [(code or "none", label) for code, label in categories], key_of
    groups = list(round_.groups.all())
    return "group_id", [(str(g.uuid), g.name) for g in groups], {g.pk: str(g.uuid) for g in groups}


def round_results(round_: Round, dimension: str = GROUPS) -> RoundResults:
    """All the dashboard shows of a round, per group or per profession, in a fixed number of queries."""
    options = {option.pk: option for option in round_.scale.options.all()}
    points = sum(1 for option in options.values() if option.value is not None)
    themes = list(round_.version.themes.select_related("cluster").prefetch_related("items").order_by("number"))
    field_name, categories, key_of = _breakdown(round_, dimension)
    submitted = Q(response__round=round_, response__status=Response.Status.SUBMITTED)

    sizes = {key: 0 for key, _label in categories}
    by_value = (
        Response.objects.filter(round=round_, status=Response.Status.SUBMITTED)
        .values_list(field_name)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for value, n in by_value:
        sizes[key_of.get(value, OTHER_PROFESSION)] += n
    decision = suppress(sizes, round_.min_group_size)
    column_of: dict[str, str] = {key: key for key in decision.visible}
    column_of |= {key: OTHER for key in decision.merged}

    columns: list[Column] = []
    respondents = sum(sizes.values())
    if decision.total_visible:
        columns.append(Column(ALL, _("All respondents"), respondents))
        columns += [Column(key, label, sizes[key]) for key, label in categories if key in decision.visible]
        if decision.merged:
            columns.append(Column(OTHER, _("Other (merged)"), sum(sizes[k] for k in decision.merged)))
    results = RoundResults(round_, points, themes, columns, decision, respondents)
    if not decision.total_visible:
        return results

    # counts[item][column][option value or missing code] — one GROUP BY over the answers.
    counts: dict[int, dict[str, dict[Any, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = Answer.objects.filter(submitted).values_list(f"response__{field_name}", "item_id", "option_id")
    for category, item_id, option_id, n in rows.annotate(n=Count("pk")).order_by():
        option = options[option_id]
        bucket = option.value if option.value is not None else option.code
        counts[item_id][ALL][bucket] += n
        column = column_of.get(key_of.get(category, OTHER_PROFESSION))
        if column:
            counts[item_id][column][bucket] += n

    for theme in themes:
        for item in theme.items.all():
            results.items[item.pk] = {c.key: _summary(counts[item.pk][c.key], points) for c in columns}
        results.keys[theme.pk] = {
            c.key: score((results.items[i.pk][c.key] for i in theme.items.all()), points) for c in columns
        }
    by_cluster: dict[int, list[Theme]] = defaultdict(list)
    for theme in themes:
        if theme.cluster_id:
            by_cluster[theme.cluster_id].append(theme)
    for cluster_id, cluster_themes in by_cluster.items():
        results.clusters[cluster_id] = {
            c.key: score_of_scores((results.keys[t.pk][c.key] for t in cluster_themes), points) for c in columns
        }
    results.overall = {c.key: score_of_scores((results.keys[t.pk][c.key] for t in themes), points) for c in columns}

    visible_values = [value for value, key in key_of.items() if key in decision.visible]
    comments = (
        ThemeAnswer.objects.filter(submitted, **{f"response__{field_name}__in": visible_values})
        .exclude(comment="")
        .values_list("theme_id", "comment")
        .order_by("theme_id", "comment")
    )
    for theme_id, comment in comments:
        results.comments.setdefault(theme_id, []).append(comment)
    if round_.ask_importance:
        importance = (
            ThemeAnswer.objects.filter(submitted, importance__isnull=False)
            .values_list("theme_id")
            .annotate(mean=Avg("importance"))
            .order_by()
        )
        results.importance = {theme_id: float(mean) for theme_id, mean in importance}
    return results


def _summary(buckets: dict[Any, int], points: int) -> Summary:
    distribution = {value: n for value, n in buckets.items() if isinstance(value, int)}
    return summarise(
        distribution,
        points,
        dont_know=buckets.get("dont_know", 0),
        not_applicable=buckets.get("not_applicable", 0),
    )


def merged_summary(summaries: list[Summary], points: int) -> Summary:
    return merge(summaries, points)
