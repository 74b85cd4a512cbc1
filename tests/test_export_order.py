"""The answers table in the order it promises, whatever answers and comments respondents left.

The worker reads answers and comments as two ordered streams (by the response's key as text) and puts each key's
comment after that key's characteristics. This checks it against the order worked out here from the objects
themselves (Python's order of the UUIDs, the instrument's order of keys and characteristics), on either database:
respondents with comments but no answers, comments on keys without answers, respondents with neither.
"""

from typing import Any

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from cjgscan.exports.tables import answer_table
from cjgscan.instruments.models import Item, Theme
from cjgscan.rounds.models import Response, Round
from tests.factories import make_organisation, make_response, make_round, release

ITEMS = ["S1.K1", "S1.K2", "S2.K1", "S5.K1", "S5.K2"]
THEMES = ["S1", "S2", "S5"]
OPTIONS = ["v1", "v2", "v3", "v4", "dont_know", "not_applicable"]

respondent = st.tuples(
    st.dictionaries(st.sampled_from(ITEMS), st.sampled_from(OPTIONS)),
    st.dictionaries(st.sampled_from(THEMES), st.sampled_from(["Goed", "Meer overleg", "=1+1"])),
)


class AnswerOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.round = make_round(make_organisation("CJG Volgorde"), title="Volgorde", min_group_size=3)
        cls.group = cls.round.groups.order_by("position").first()
        cls.themes = {t.code: t.number for t in Theme.objects.filter(version=cls.round.version_id)}
        cls.positions = {i.code: i.position for i in Item.objects.filter(theme__version=cls.round.version_id)}

    @settings(max_examples=15, deadline=None)
    @given(st.lists(respondent, min_size=2, max_size=6))
    def test_rows_follow_respondent_key_characteristic_then_comment(self, people: list[Any]) -> None:
        people = [({"S2.K1": "v3"}, {}), *people]  # a round without any answer on the scale shows nothing
        for answers, comments in people:
            make_response(self.round, self.group, answers, comments=comments)
        release(self.round)
        round_ = Round.objects.select_related("organisation", "version", "scale").get(pk=self.round.pk)
        options = {"dont_know": None, "not_applicable": None} | {f"v{n}": n for n in range(1, 5)}

        expected: list[tuple[Any, ...]] = []
        responses = sorted(Response.objects.filter(round=round_), key=lambda r: r.pk)
        self.assertEqual(len(responses), len(people))
        number = 0  # respondents with nothing to show get no number
        for response in responses:
            answers = {a.item.code: a.option.code for a in response.answers.select_related("item", "option")}
            comments = {c.theme.code: c.comment for c in response.theme_answers.select_related("theme") if c.comment}
            cells: list[tuple[Any, ...]] = []
            for code, option in answers.items():
                theme = code.split(".")[0]
                cells.append(((self.themes[theme], self.positions[code]), code, options[option], option, None))
            for theme, text in comments.items():
                cells.append(((self.themes[theme], 10**9), theme, None, None, text))
            number += bool(cells)
            expected += [(number, *cell[1:]) for cell in sorted(cells, key=lambda cell: cell[0])]

        with translation.override("nl"):
            rows = [tuple(row) for row in answer_table(round_).rows]
        self.assertEqual([(row[0], *row[3:]) for row in rows], expected)
        self.assertEqual({row[1] for row in rows}, {1} if rows else set())
