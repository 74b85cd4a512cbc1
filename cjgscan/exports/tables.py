"""What an export holds, as a header and a stream of rows of plain values (text, numbers, None).

Two tables, both under the round's small-group protection (cjgscan.analysis.suppression):

- figures (cijfers): per characteristic × shown column, exactly the dashboard's numbers, from round_results;
- answers (antwoorden, administrators only): one row per answer and per key comment, respondents numbered per
  export. Groups below the minimum are labelled "Other (merged)" together with the group that protects them, just
  as on the dashboard; when all respondents together stay below the minimum the table has no rows.

The answers are read with one ordered query per kind (answers, comments), streamed with .iterator(), so memory
stays flat however many respondents a round has.
"""

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cjgscan.analysis.results import RoundResults, round_results
from cjgscan.analysis.suppression import Suppression, suppress
from cjgscan.dashboard.templatetags.results import CONSENSUS
from cjgscan.instruments.i18n import tr
from cjgscan.rounds.models import Answer, Response, Round, ThemeAnswer

FIGURES = "cijfers"
ANSWERS = "antwoorden"
KINDS = (FIGURES, ANSWERS)
CHUNK_SIZE = 2000
COMMENT_POSITION = 1_000_000  # sorts a key's comment after its characteristics


@dataclass
class Table:
    title: str  # the sheet's name
    header: list[str]
    rows: Iterable[Sequence[Any]]


def export_table(round_: Round, kind: str) -> Table:
    """The table of `kind` (FIGURES or ANSWERS); its rows are read lazily, while they are written."""
    if kind == ANSWERS:
        return answer_table(round_)
    return figure_table(round_results(round_))


def figure_table(results: RoundResults) -> Table:
    """Per characteristic and column (all respondents, each shown group, "other"): the dashboard's figures."""
    values = [(o.value, tr(o.label)) for o in results.round.scale.options.all() if o.value is not None]
    header = [
        _("Key"),
        _("Characteristic"),
        _("Text"),
        _("Group"),
        _("Respondents in group"),
        _("n (answers on the scale)"),
        _("Mean"),
        _("Median"),
        _("Standard deviation"),
        *[f"{value} {label}" for value, label in values],
        _("Don't know"),
        _("Share don't know"),
        _("Not applicable"),
        _("Share not applicable"),
        _("Consensus"),
    ]

    # Texts in the language of the request, fixed now: the rows are written later, while the response streams.
    texts = {item.pk: tr(item.text) for item in results.all_items()}
    agreement = {code: str(label) for code, label in CONSENSUS.items()}

    def rows() -> Iterator[list[Any]]:
        for theme in results.themes:
            for item in theme.items.all():
                for column in results.columns:
                    summary = results.items[item.pk][column.key]
                    yield [
                        theme.code,
                        item.code,
                        texts[item.pk],
                        column.label,
                        column.respondents,
                        summary.n,
                        summary.mean,
                        summary.median,
                        summary.sd,
                        *[summary.distribution.get(value, 0) for value, _label in values],
                        summary.dont_know,
                        summary.dont_know_share,
                        summary.not_applicable,
                        summary.not_applicable_share,
                        agreement.get(summary.consensus or ""),
                    ]

    return Table(_("Figures"), header, rows())


@dataclass(frozen=True)
class Folding:
    """How each group appears in the answers: its own name, "other", or not at all."""

    suppression: Suppression[str]
    labels: dict[int, str]  # group pk -> label, for every group whose answers are exported
    own: frozenset[int]  # group pks shown on their own: only their comments are exported, as on the dashboard


def answer_folding(round_: Round) -> Folding:
    """The dashboard's decision (round_results, per group), taken on the same keys in the same order."""
    groups = list(round_.groups.all())
    sizes = dict(
        Response.objects.filter(round=round_, status=Response.Status.SUBMITTED)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decision = suppress({str(g.uuid): sizes.get(g.pk, 0) for g in groups}, round_.min_group_size)
    labels = {g.pk: g.name for g in groups if str(g.uuid) in decision.visible}
    labels |= {g.pk: _("Other (merged)") for g in groups if str(g.uuid) in decision.merged}
    if not decision.total_visible:
        labels = {}
    return Folding(decision, labels, frozenset(g.pk for g in groups if str(g.uuid) in decision.visible))


def answer_table(round_: Round, folding: Folding | None = None) -> Table:
    """One row per answer and per key comment, ordered by respondent; respondents numbered 1, 2, … per export.

    The number is not the Response's key: respondents are numbered in the order of their random ids, which says
    nothing about who they are or when they answered, and is the same in CSV and XLSX of the same data.
    """
    folding = folding or answer_folding(round_)
    header = [_("Respondent"), _("Group"), _("Code"), _("Value"), _("Answer code"), _("Comment")]
    submitted = Q(response__round=round_, response__status=Response.Status.SUBMITTED)

    def rows() -> Iterator[list[Any]]:
        if not folding.labels:
            return
        answers = (
            Answer.objects.filter(submitted, response__group_id__in=list(folding.labels))
            .order_by("response_id", "item__theme__number", "item__position")
            .values_list(
                "response_id",
                "item__theme__number",
                "item__position",
                "response__group_id",
                "item__code",
                "value",
                "option__code",
            )
        )
        comments = (
            ThemeAnswer.objects.filter(submitted, response__group_id__in=list(folding.own))
            .exclude(comment="")
            .order_by("response_id", "theme__number")
            .values_list("response_id", "theme__number", "response__group_id", "theme__code", "comment")
        )
        answer_rows = (
            (response, theme, position, group, code, value, option, None)
            for response, theme, position, group, code, value, option in answers.iterator(CHUNK_SIZE)
        )
        comment_rows = (
            (response, theme, COMMENT_POSITION, group, code, None, None, comment)
            for response, theme, group, code, comment in comments.iterator(CHUNK_SIZE)
        )
        numbers = count(1)
        current, number = None, 0
        for response, _theme, _position, group, code, value, option, comment in heapq.merge(
            answer_rows, comment_rows, key=lambda row: row[:3]
        ):
            if response != current:
                current, number = response, next(numbers)
            yield [number, folding.labels[group], code, value, option, comment]

    return Table(_("Answers"), header, rows())
