"""What a round releases: one decision over grouped counts that every page, export and API reads through.

A release is a snapshot of a round's submitted responses, broken down by groups (folded into cells) and, if the
round asks for it, by professions (folded into cells). A reader sees every release of a round, so the figures
of all of them together are what must protect respondents. Call an *atom* the set of respondents that share
the release that first included them and, in that release and every later one, the same group cell and the
same profession cell. Every released figure is a sum (or a list) over a union of whole atoms, so anything a
reader can compute from released figures — however many, however combined — is constant on atoms. The rule:

- every non-empty atom holds at least the round's minimum of respondents, and
- the online part of every atom is 0 or at least the minimum: paper forms are known to whoever typed them, so
  subtracting them must not leave a handful of online respondents.

A new release is made with the finest breakdown that keeps the rule (groups first, then professions); where the
rule fails, cells are folded together, and if even a single cell fails the release is refused and the earlier
one stays. Pure functions: no database access. Keys are group primary keys and profession codes; their order
(group position, then primary key; profession position) is the one tie-break used everywhere.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# Why a cell holds more than one group or profession.
TOO_SMALL = "too_small"  # the group (or profession) alone has fewer respondents than the minimum
PROTECTS = "protects"  # large enough alone, but shown with a small one so that it cannot be derived by subtraction
OVER_TIME = "over_time"  # an earlier release, the other breakdown or paper forms would single out a small part

# Why a release was refused.
NOTHING_NEW = "nothing_new"
TOO_FEW = "too_few"  # the new answers together are below the minimum, or their online part is


@dataclass(frozen=True, order=True)
class Cohort:
    """Respondents who look the same to the release rule."""

    release: int  # the number of the release that first includes them
    group: int
    profession: str
    paper: bool


Cells = tuple[tuple[K, ...], ...]


@dataclass(frozen=True)
class Layout:
    """How one release breaks its respondents down: cells of group keys, cells of profession codes."""

    groups: "Cells[int]"
    professions: "Cells[str] | None" = None  # None: no profession breakdown released

    def group_cell(self, group: int) -> int:
        return _cell_index(self.groups, group)

    def profession_cell(self, profession: str) -> int:
        return 0 if self.professions is None else _cell_index(self.professions, profession)


def _cell_index(cells: "Cells[K]", key: K) -> int:
    for index, cell in enumerate(cells):
        if key in cell:
            return index
    return -1  # a key no cell names (only for empty keys): an atom of its own


@dataclass(frozen=True)
class Atom:
    total: int
    online: int


def atoms(counts: Mapping[Cohort, int], layouts: Mapping[int, Layout]) -> dict[tuple[object, ...], Atom]:
    """The atoms of the releases in `layouts` (number -> layout), with their sizes."""
    sizes: dict[tuple[object, ...], list[int]] = defaultdict(lambda: [0, 0])
    numbers = sorted(layouts)
    for cohort, n in counts.items():
        if n <= 0:
            continue
        key: tuple[object, ...] = (cohort.release,) + tuple(
            (layouts[k].group_cell(cohort.group), layouts[k].profession_cell(cohort.profession))
            for k in numbers
            if k >= cohort.release
        )
        sizes[key][0] += n
        if not cohort.paper:
            sizes[key][1] += n
    return {key: Atom(total, online) for key, (total, online) in sizes.items()}


def atom_ok(atom: Atom, minimum: int) -> bool:
    return atom.total >= minimum and (atom.online == 0 or atom.online >= minimum)


def rule_holds(counts: Mapping[Cohort, int], layouts: Mapping[int, Layout], minimum: int) -> bool:
    return all(atom_ok(a, minimum) for a in atoms(counts, layouts).values())


@dataclass(frozen=True)
class Decision:
    number: int
    layout: Layout | None  # None: refused, the earlier release stays
    refused: str = ""  # NOTHING_NEW | TOO_FEW when refused
    group_notes: dict[int, str] = field(default_factory=dict)  # group key -> why it shares a cell
    profession_notes: dict[str, str] = field(default_factory=dict)
    professions_withheld: bool = False  # asked, but no profession breakdown could be released

    @property
    def accepted(self) -> bool:
        return self.layout is not None


def decide(
    counts: Mapping[Cohort, int],
    earlier: Mapping[int, Layout],
    groups: Sequence[int],
    professions: Sequence[str] | None,
    minimum: int,
) -> Decision:
    """Whether the next release can be made and how it breaks down.

    `counts` holds every submitted response of the round: those of earlier releases under their release number,
    the new ones under the next number. `groups` and `professions` are all keys in tie-break order;
    `professions` None when the round does not ask for them.
    """
    number = max(earlier, default=0) + 1
    new = {c: n for c, n in counts.items() if c.release == number and n > 0}
    if not new:
        return Decision(number, None, NOTHING_NEW)
    new_total = sum(new.values())
    new_online = sum(n for c, n in new.items() if not c.paper)
    if not atom_ok(Atom(new_total, new_online), minimum):
        return Decision(number, None, TOO_FEW)

    latest = earlier[max(earlier)] if earlier else None
    group_sizes = _sizes(counts, groups, lambda c: c.group)
    group_notes: dict[int, str] = {}
    group_cells = _fold(
        counts,
        earlier,
        number,
        groups,
        group_sizes,
        minimum,
        group_notes,
        lambda cells: Layout(cells, None),
        lambda key: latest.group_cell(key) if latest else None,
    )
    profession_notes: dict[str, str] = {}
    profession_cells: Cells[str] | None = None
    withheld = False
    if professions is not None:
        profession_sizes = _sizes(counts, professions, lambda c: c.profession)
        folded = _fold(
            counts,
            earlier,
            number,
            professions,
            profession_sizes,
            minimum,
            profession_notes,
            lambda cells: Layout(group_cells, cells),
            lambda key: latest.profession_cell(key) if latest and latest.professions is not None else None,
        )
        if sum(1 for cell in folded if sum(profession_sizes[k] for k in cell)) >= 2:
            profession_cells = folded
        else:
            withheld = True
            profession_notes = {}
    layout = Layout(group_cells, profession_cells)
    assert rule_holds(counts, {**earlier, number: layout}, minimum)
    return Decision(number, layout, "", group_notes, profession_notes, withheld)


def _sizes(counts: Mapping[Cohort, int], keys: Sequence[K], key_of: Callable[[Cohort], K]) -> dict[K, int]:
    sizes: dict[K, int] = {k: 0 for k in keys}
    for cohort, n in counts.items():
        key = key_of(cohort)
        sizes[key] = sizes.get(key, 0) + n
    return sizes


def _fold(
    counts: Mapping[Cohort, int],
    earlier: Mapping[int, Layout],
    number: int,
    keys: Sequence[K],
    sizes: Mapping[K, int],
    minimum: int,
    notes: dict[K, str],
    layout_of: Callable[["Cells[K]"], Layout],
    previous_cell: Callable[[K], int | None],
) -> "Cells[K]":
    """Start with every key in a cell of its own; while an atom breaks the rule, fold the cell holding the
    smallest bad atom into another non-empty cell: one the latest earlier release showed with it if any, else the
    smallest (ties: the first in key order). Ends at the latest with one cell, which keeps the rule because the
    earlier releases did and the new answers pass."""
    order = {k: i for i, k in enumerate(keys)}
    extra = [k for k in sizes if k not in order]  # keys seen in the answers but not listed: last, in a fixed order
    for k in sorted(extra, key=str):
        order[k] = len(order)
    cells: list[list[K]] = [[k] for k in sorted(order, key=order.__getitem__)]

    def cell_size(cell: list[K]) -> int:
        return sum(sizes.get(k, 0) for k in cell)

    while True:
        as_tuple = tuple(tuple(cell) for cell in cells)
        layout = layout_of(as_tuple)
        found = atoms(counts, {**earlier, number: layout})
        bad = [(a.total, key) for key, a in found.items() if not atom_ok(a, minimum)]
        non_empty = [i for i, cell in enumerate(cells) if cell_size(cell)]
        if not bad or len(non_empty) <= 1:
            return as_tuple
        _total, worst = min(bad, key=lambda pair: (pair[0], repr(pair[1])))
        cell_index = _cell_of_atom(worst, cells, layout, counts, earlier, number)
        others = [i for i in non_empty if i != cell_index]
        # Prefer a cell that the latest earlier release already showed together with this one: folding them
        # again keeps the cells stable from release to release, so fewer folds are needed.
        before = {previous_cell(k) for k in cells[cell_index]} - {None}
        ranks = {
            i: (not before & {previous_cell(k) for k in cells[i]}, cell_size(cells[i]), order[cells[i][0]])
            for i in others
        }
        partner = min(others, key=ranks.__getitem__)
        small, large = sorted((cell_index, partner), key=lambda i: (cell_size(cells[i]), order[cells[i][0]]))
        reason_small = TOO_SMALL if cell_size(cells[small]) < minimum else OVER_TIME
        reason_large = PROTECTS if reason_small == TOO_SMALL and cell_size(cells[large]) >= minimum else OVER_TIME
        if cell_size(cells[large]) < minimum:
            reason_large = TOO_SMALL
        for k in cells[small]:
            if sizes.get(k, 0):
                notes.setdefault(k, reason_small)
        for k in cells[large]:
            if sizes.get(k, 0):
                notes.setdefault(k, reason_large)
        merged = sorted(cells[small] + cells[large], key=order.__getitem__)
        cells = [cell for i, cell in enumerate(cells) if i not in (small, large)] + [merged]
        cells.sort(key=lambda cell: order[cell[0]])


def _cell_of_atom(
    atom_key: tuple[object, ...],
    cells: list[list[K]],
    layout: Layout,
    counts: Mapping[Cohort, int],
    earlier: Mapping[int, Layout],
    number: int,
) -> int:
    """The index (in `cells`) of the new release's cell that the atom's respondents fall in."""
    layouts = {**earlier, number: layout}
    numbers = sorted(layouts)
    for cohort, n in sorted(counts.items()):
        if n <= 0:
            continue
        key = (cohort.release,) + tuple(
            (layouts[k].group_cell(cohort.group), layouts[k].profession_cell(cohort.profession))
            for k in numbers
            if k >= cohort.release
        )
        if key == atom_key:
            last = key[-1]
            assert isinstance(last, tuple)
            group_index, profession_index = last
            # The cell being folded is the one of the dimension under decision: professions once groups are fixed.
            return profession_index if layout.professions is not None else group_index
    raise AssertionError("atom without respondents")
