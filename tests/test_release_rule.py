"""The release rule as a property: over random rounds and release moments, no combination of released figures
singles out fewer than the minimum of respondents (pure functions, no database)."""

from collections import Counter
from itertools import combinations, product

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from cjgscan.analysis.release import PROTECTS, TOO_FEW, TOO_SMALL, Cohort, Decision, Layout, atoms, decide, rule_holds

Person = tuple[int, int, str, bool]  # (arrives at moment, group, profession, paper)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[int, list[int], list[str] | None, list[Person], int]:
    minimum = draw(st.integers(3, 7))
    groups = list(range(1, draw(st.integers(1, 8)) + 1))
    professions = draw(st.sampled_from([None, ["a", "b"], ["a", "b", "c", ""]]))
    moments = draw(st.integers(1, 4))
    paper_share = draw(st.sampled_from([0.0, 0.2, 0.5, 1.0]))
    people: list[Person] = []
    for group in groups:
        for _n in range(draw(st.integers(0, 12))):
            profession = draw(st.sampled_from(professions)) if professions else ""
            paper = draw(st.floats(0, 1)) < paper_share
            people.append((draw(st.integers(1, moments)), group, profession, paper))
    return minimum, groups, professions, people, moments


def simulate(
    minimum: int, groups: list[int], professions: list[str] | None, people: list[Person], moments: int
) -> tuple[dict[int, Layout], list[tuple[int | None, Person]]]:
    """At each moment, try a release of everything not yet released; keep what the rule accepts."""
    released: list[int | None] = [None] * len(people)
    layouts: dict[int, Layout] = {}
    for moment in range(1, moments + 1):
        number = max(layouts, default=0) + 1
        counts: Counter[Cohort] = Counter()
        for index, (arrives, group, profession, paper) in enumerate(people):
            if arrives > moment:
                continue
            counts[Cohort(released[index] or number, group, profession, paper)] += 1
        decision = decide(counts, layouts, groups, professions, minimum)
        if decision.layout is None:
            continue
        layouts[number] = decision.layout
        for index, (arrives, *_rest) in enumerate(people):
            if arrives <= moment and released[index] is None:
                released[index] = number
    return layouts, list(zip(released, people, strict=True))


def released_sets(layouts: dict[int, Layout], people: list[tuple[int | None, Person]]) -> list[frozenset[int]]:
    """Every set of respondents (by index) whose figures some release shows: everyone, each group cell, each
    profession cell."""
    found: set[frozenset[int]] = set()
    for number, layout in layouts.items():
        included = [i for i, (release, _p) in enumerate(people) if release is not None and release <= number]
        found.add(frozenset(included))
        for cell in range(len(layout.groups)):
            found.add(frozenset(i for i in included if layout.group_cell(people[i][1][1]) == cell))
        for cell in range(len(layout.professions or ())):
            found.add(frozenset(i for i in included if layout.profession_cell(people[i][1][2]) == cell))
    return [s for s in found if s]


def isolated(sets: list[frozenset[int]], size: int) -> list[tuple[int, ...]]:
    """Every ±1 combination of up to three released sets that is itself a set (0/1 per respondent)."""
    found = []
    for k in (1, 2, 3):
        for chosen in combinations(sets, k):
            for signs in product((1, -1), repeat=k):
                if signs[0] != 1:
                    continue
                weight = [0] * size
                for sign, members in zip(signs, chosen, strict=True):
                    for i in members:
                        weight[i] += sign
                if all(w in (0, 1) for w in weight):
                    found.append(tuple(i for i, w in enumerate(weight) if w))
    return found


class ReleaseRuleProperty(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(rounds())
    def test_no_combination_of_released_figures_isolates_a_small_set(
        self, case: tuple[int, list[int], list[str] | None, list[Person], int]
    ) -> None:
        minimum, groups, professions, people, moments = case
        layouts, assigned = simulate(minimum, groups, professions, people, moments)
        counts: Counter[Cohort] = Counter(
            Cohort(release, group, profession, paper)
            for release, (_a, group, profession, paper) in assigned
            if release is not None
        )
        self.assertTrue(rule_holds(counts, layouts, minimum))
        for atom in atoms(counts, layouts).values():
            self.assertGreaterEqual(atom.total, minimum)
            self.assertIn(atom.online == 0 or atom.online >= minimum, [True])
        for members in isolated(released_sets(layouts, assigned), len(assigned)):
            online = [i for i in members if not assigned[i][1][3]]
            # Paper forms are known to whoever typed them: neither the set nor its online part may be small.
            self.assertFalse(0 < len(members) < minimum, (members, layouts))
            self.assertFalse(0 < len(online) < minimum, (members, layouts))

    def test_a_two_person_group_beside_a_profession_split_is_not_released_apart(self) -> None:
        """The lezer's attack of finding 4 on plain numbers: all − group − profession must not leave two."""
        counts = Counter(
            {
                Cohort(1, 1, "a", False): 2,  # the small group: two people, both profession a
                Cohort(1, 2, "a", False): 3,
                Cohort(1, 2, "b", False): 5,
                Cohort(1, 3, "b", False): 6,
            }
        )
        decision = decide(counts, {}, [1, 2, 3], ["a", "b"], 5)
        assert decision.layout is not None
        self.assertTrue(rule_holds(counts, {1: decision.layout}, 5))
        self.assertIn(1, decision.group_notes)

    def test_three_known_paper_forms_do_not_open_a_two_person_group(self) -> None:
        counts = Counter(
            {
                Cohort(1, 1, "", False): 2,
                Cohort(1, 1, "", True): 3,  # typed in by the coordinator, who knows them
                Cohort(1, 2, "", False): 6,
                Cohort(1, 3, "", False): 6,
            }
        )
        decision = decide(counts, {}, [1, 2, 3], None, 5)
        assert decision.layout is not None
        self.assertNotIn((1,), decision.layout.groups)

    def test_a_release_that_would_show_one_new_answer_is_refused(self) -> None:
        first = decide(Counter({Cohort(1, 1, "", False): 6}), {}, [1], None, 5)
        assert first.layout is not None
        second = decide(
            Counter({Cohort(1, 1, "", False): 6, Cohort(2, 1, "", False): 1}), {1: first.layout}, [1], None, 5
        )
        self.assertFalse(second.accepted)


def one_release(sizes: dict[int, int], minimum: int = 5) -> "Decision":
    """The first release of a round with these group sizes (all online, no professions)."""
    counts = Counter({Cohort(1, group, "", False): n for group, n in sizes.items()})
    return decide(counts, {}, list(sizes), None, minimum)


class FoldingTests(SimpleTestCase):
    """The folding of groups in a first release: the small-group rules the dashboard always had."""

    def test_all_groups_large_enough(self) -> None:
        assert one_release({1: 5, 2: 9}).layout == Layout(((1,), (2,)))

    def test_one_small_group_takes_the_next_smallest_with_it(self) -> None:
        # Total 22 with 2, 3, 4 shown would give group 1 = 22 − 20 = 2: the subtraction attack.
        decision = one_release({1: 2, 2: 6, 3: 9, 4: 5})
        assert decision.layout == Layout(((1, 4), (2,), (3,)))
        assert decision.group_notes == {1: TOO_SMALL, 4: PROTECTS}

    def test_small_groups_that_reach_the_minimum_together_fold(self) -> None:
        assert one_release({1: 3, 2: 2, 3: 10}).layout == Layout(((1, 2), (3,)))

    def test_everything_below_the_minimum_releases_nothing(self) -> None:
        decision = one_release({1: 2, 2: 2})
        assert not decision.accepted and decision.refused == TOO_FEW

    def test_empty_groups_are_neither_shown_nor_protected(self) -> None:
        assert one_release({1: 0, 2: 7, 3: 8}).layout == Layout(((1,), (2,), (3,)))

    def test_equal_groups_fold_by_position_first(self) -> None:
        """One tie-break (finding 5): of two equal groups the one earlier in the round's order is folded."""
        assert one_release({1: 2, 2: 5, 3: 5}).layout == Layout(((1, 2), (3,)))
        assert one_release({1: 5, 2: 5, 3: 2}).layout == Layout(((1, 3), (2,)))
