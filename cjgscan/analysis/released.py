"""The database side of the release rule: the one place that fetches grouped counts for it, makes releases, and
tells every output what the latest release shows (its cells, their labels, why groups share a cell).

The decision itself is cjgscan.analysis.release (pure). Pages, PDF, exports, API, trend, benchmark and the
action check read results only through `released_view` and `Response.objects.released()`.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cjgscan.analysis.release import OVER_TIME, PROTECTS, TOO_SMALL, Cohort, Decision, Layout, decide
from cjgscan.instruments.i18n import tr
from cjgscan.lib.words import join_words
from cjgscan.rounds.models import OTHER_PROFESSION, Release, RespondentGroup, Response, Round

OTHER = "other"


def profession_order(round_: Round) -> list[str] | None:
    """The profession codes in tie-break order; None when the round does not ask for them."""
    if not round_.ask_profession:
        return None
    codes = list(round_.version.professions.order_by("position").values_list("code", flat=True))
    return [*codes, OTHER_PROFESSION, ""]


def profession_key(value: str, known: Sequence[str]) -> str:
    return value if value in known else OTHER_PROFESSION


def cohort_counts(round_: Round, next_number: int) -> Counter[Cohort]:
    """Every submitted response of the round as cohorts: under its release's number, or `next_number` if it
    has none yet. One grouped query."""
    known = profession_order(round_) or [""]
    counts: Counter[Cohort] = Counter()
    rows = (
        Response.objects.submitted()
        .filter(round=round_)
        .values_list("release__number", "group_id", "profession", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for number, group_id, profession, channel, n in rows:
        key = profession_key(profession, known) if round_.ask_profession else ""
        counts[Cohort(number or next_number, group_id, key, channel == Response.Channel.PAPER)] += n
    return counts


def layout_of(release: Release) -> Layout:
    groups = tuple(tuple(cell) for cell in release.group_cells)
    professions = tuple(tuple(cell) for cell in release.profession_cells) if release.profession_cells else None
    return Layout(groups, professions)


def do_release(round_: Round, interim: bool = False) -> Decision:
    """Take the next release of the round if the rule allows it. Call it inside the transaction that changes the
    round's status (it locks the round), so that closing and releasing are one step."""
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        earlier = {r.number: layout_of(r) for r in round_.releases.all()}
        number = max(earlier, default=0) + 1
        counts = cohort_counts(round_, number)
        groups = list(round_.groups.order_by("position", "pk").values_list("pk", flat=True))
        decision = decide(counts, earlier, groups, profession_order(round_), round_.min_group_size)
        if decision.layout is None:
            return decision
        release = Release.objects.create(
            round=round_,
            number=number,
            made_on=timezone.localdate(),
            interim=interim,
            group_cells=[list(cell) for cell in decision.layout.groups],
            profession_cells=[list(c) for c in decision.layout.professions] if decision.layout.professions else None,
            professions_withheld=decision.professions_withheld,
            group_notes={str(k): v for k, v in decision.group_notes.items()},
            profession_notes=decision.profession_notes,
        )
        Response.objects.submitted().filter(round=round_, release__isnull=True).update(release=release)
    return decision


@dataclass(frozen=True)
class Cell:
    """A column a release shows: one group or profession, or several shown together."""

    key: str  # a group's uuid, a profession code ("none" when not given), OTHER or OTHER-2, …
    label: str
    members: tuple[object, ...]  # group pks or profession codes
    respondents: int

    @property
    def together(self) -> bool:
        return len(self.members) > 1


@dataclass
class ReleasedView:
    round: Round
    release: Release | None
    respondents: int = 0
    group_cells: list[Cell] = field(default_factory=list)  # non-empty cells only
    profession_cells: list[Cell] | None = None  # None: no profession breakdown released
    waiting: bool = False  # submitted answers that no release includes yet
    known_professions: list[str] = field(default_factory=list)  # profession_order(), fetched once
    explanations: list[str] = field(default_factory=list)  # in words: which groups share a cell and why

    @property
    def visible(self) -> bool:
        return self.release is not None

    def cells(self, professions: bool) -> list[Cell]:
        return (self.profession_cells or []) if professions else self.group_cells

    def group_cell_of(self) -> dict[int, str]:
        return {pk: cell.key for cell in self.group_cells for pk in cell.members}  # type: ignore[misc]

    def profession_cell_of(self) -> dict[str, str]:
        return {code: cell.key for cell in self.profession_cells or [] for code in cell.members}  # type: ignore[misc]


def released_view(round_: Round) -> ReleasedView:
    """What the latest release of the round shows. Three queries."""
    release = round_.latest_release()
    waiting = Response.objects.submitted().filter(round=round_, release__isnull=True).exists()
    view = ReleasedView(round_, release, waiting=waiting)
    if release is None:
        return view
    view.known_professions = profession_order(round_) or []
    released = Response.objects.released().filter(round=round_)
    groups = {g.pk: g for g in RespondentGroup.objects.filter(round=round_)}
    by_group = dict(released.values_list("group_id").annotate(n=Count("pk")).order_by())
    view.respondents = sum(by_group.values())
    minimum = round_.min_group_size
    extra = 0
    for cell in release.group_cells:
        size = sum(by_group.get(pk, 0) for pk in cell)
        if not size:
            continue
        names = [groups[pk].name for pk in cell if pk in groups]
        if len(cell) == 1:
            key, label = str(groups[cell[0]].uuid), names[0]
        else:
            extra += 1
            key = OTHER if extra == 1 else f"{OTHER}-{extra}"
            label = _("%(names)s (together)") % {"names": " + ".join(names)}
            view.explanations.append(_folding_words(names, cell, release.group_notes, groups, minimum))
        view.group_cells.append(Cell(key, label, tuple(cell), size))
    if release.profession_cells:
        view.profession_cells = _profession_cells(round_, release, released, view, minimum)
    elif release.professions_withheld:
        view.explanations.append(
            _(
                "The breakdown by profession is not shown: together with the groups it would single out fewer "
                "than %(min)s respondents."
            )
            % {"min": minimum}
        )
    return view


def _folding_words(
    names: list[str], cell: list[int], notes: dict[str, str], groups: dict[int, RespondentGroup], minimum: int
) -> str:
    small = [groups[pk].name for pk in cell if notes.get(str(pk)) == TOO_SMALL]
    reasons = []
    if small:
        reasons.append(
            _("%(groups)s had fewer than %(min)s respondents") % {"groups": join_words(small), "min": minimum}
        )
    if any(notes.get(str(pk)) == PROTECTS for pk in cell):
        reasons.append(_("a small group could otherwise be derived by subtracting the other columns"))
    if any(notes.get(str(pk)) == OVER_TIME for pk in cell) or not reasons:
        reasons.append(
            _(
                "otherwise an earlier release, the breakdown by profession or paper forms would single out fewer "
                "than %(min)s respondents"
            )
            % {"min": minimum}
        )
    return _("%(groups)s are shown together: %(reasons)s.") % {
        "groups": join_words(names),
        "reasons": "; ".join(reasons),
    }


def _profession_cells(
    round_: Round, release: Release, released: "QuerySet[Response]", view: ReleasedView, minimum: int
) -> list[Cell]:
    known, explanations = view.known_professions, view.explanations
    names = {p.code: tr(p.name) for p in round_.version.professions.all()}
    names |= {OTHER_PROFESSION: _("Other profession"), "": _("Profession not given")}
    sizes: Counter[str] = Counter()
    for value, n in released.values_list("profession").annotate(n=Count("pk")).order_by():
        sizes[profession_key(value, known)] += n
    cells = []
    extra = 0
    for cell in release.profession_cells or []:
        size = sum(sizes.get(code, 0) for code in cell)
        if not size:
            continue
        labels = [names.get(code, code) for code in cell]
        if len(cell) == 1:
            key, label = cell[0] or "none", labels[0]
        else:
            extra += 1
            key = OTHER if extra == 1 else f"{OTHER}-{extra}"
            label = _("%(names)s (together)") % {"names": " + ".join(labels)}
            explanations.append(
                _(
                    "%(professions)s are shown together: otherwise, with the groups, they would single out fewer "
                    "than %(min)s respondents."
                )
                % {"professions": join_words(labels), "min": minimum}
            )
        cells.append(Cell(key, label, tuple(cell), size))
    return cells


def released_group_counts(round_: Round) -> list[tuple[str, int]]:
    """For the round page: respondents per released group cell (groups shown together count as one), as of the
    latest release; empty before the first release."""
    return [(cell.label, cell.respondents) for cell in released_view(round_).group_cells]
