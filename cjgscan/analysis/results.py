"""A round's results: the latest release (cjgscan.analysis.released), a fixed handful of grouped queries over its
responses, then the pure functions of stats.

Columns are "all respondents" and each cell of the release: a group (or profession) on its own, or several shown
together. Answers that no release includes yet never reach this module's figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from cjgscan.analysis.released import OTHER, ReleasedView, profession_key, released_view
from cjgscan.analysis.stats import Score, Summary, merge, score, score_of_scores, summarise
from cjgscan.instruments.models import Item, Theme
from cjgscan.lib.tokens import keyed_hash
from cjgscan.rounds.models import Answer, Round, ThemeAnswer

ALL = "all"
__all__ = ["ALL", "OTHER", "GROUPS", "PROFESSIONS", "RoundResults", "round_results"]
DEFAULT_GAP = 1.0


@dataclass(frozen=True)
class Column:
    key: str  # ALL, a group's uuid or profession code, or OTHER (OTHER-2, …) for several shown together
    label: str
    respondents: int
    together: bool = False  # several groups or professions in one column; its make-up differs between rounds


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
    release: ReleasedView
    respondents: int
    by_profession: bool = False  # False also when professions were asked for but not released
    items: dict[int, dict[str, Summary]] = field(default_factory=dict)  # item id -> column -> summary
    keys: dict[int, dict[str, Score]] = field(default_factory=dict)  # theme id -> column -> score
    clusters: dict[int, dict[str, Score]] = field(default_factory=dict)
    overall: dict[str, Score] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)  # theme id -> comments of visible groups
    importance: dict[int, float] = field(default_factory=dict)  # theme id -> mean importance (all)

    @property
    def visible(self) -> bool:
        return self.release.visible

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


def comment_order(response_id: object, theme_id: int, comment: str) -> str:
    """A random order that stays the same from page to page and release to release: a keyed hash, so it says
    nothing about who wrote a comment, when, or in which group."""
    return keyed_hash("comment-order", f"{response_id}:{theme_id}:{comment}")


def round_results(round_: Round, dimension: str = GROUPS) -> RoundResults:
    """All the dashboard shows of a round's latest release, per group cell or per profession cell, in a fixed
    number of queries. Before the first release nothing is visible."""
    release = released_view(round_)
    options = {option.pk: option for option in round_.scale.options.all()}
    points = sum(1 for option in options.values() if option.value is not None)
    themes = list(round_.version.themes.select_related("cluster").prefetch_related("items").order_by("number"))
    by_profession = dimension == PROFESSIONS and release.profession_cells is not None
    cells = release.cells(by_profession)
    columns: list[Column] = []
    if release.visible:
        columns.append(Column(ALL, _("All respondents"), release.respondents))
        columns += [Column(cell.key, cell.label, cell.respondents, cell.together) for cell in cells]
    results = RoundResults(round_, points, themes, columns, release, release.respondents, by_profession)
    if not release.visible:
        return results

    known = release.known_professions
    field_name = "profession" if by_profession else "group_id"
    profession_cell, group_cell = release.profession_cell_of(), release.group_cell_of()

    def column_for(value: Any) -> str | None:
        return profession_cell.get(profession_key(value, known)) if by_profession else group_cell.get(value)

    # counts[item][column][option value or missing code] — one GROUP BY over the answers.
    counts: dict[int, dict[str, dict[Any, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = Answer.objects.released(round_).values_list(f"response__{field_name}", "item_id", "option_id")
    for category, item_id, option_id, n in rows.annotate(n=Count("pk")).order_by():
        option = options[option_id]
        bucket = option.value if option.value is not None else option.code
        counts[item_id][ALL][bucket] += n
        column = column_for(category)
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

    # Comments of the groups shown on their own (a comment often tells its group, so those shown together keep
    # theirs back), the same list whichever breakdown is on screen: a union of released cells, nothing to subtract.
    own_groups = [cell.members[0] for cell in release.group_cells if not cell.together]
    comments = (
        ThemeAnswer.objects.released(round_)
        .filter(response__group_id__in=own_groups)
        .exclude(comment="")
        .values_list("response_id", "theme_id", "comment")
        .order_by()
    )
    for _response_id, theme_id, comment in sorted(comments, key=lambda row: comment_order(*row)):
        results.comments.setdefault(theme_id, []).append(comment)
    if round_.ask_importance:
        importance = (
            ThemeAnswer.objects.released(round_)
            .filter(importance__isnull=False)
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
