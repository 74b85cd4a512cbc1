"""What an export holds, as a header and a stream of rows of plain values (text, numbers, None).

Two tables, both of the round's latest release only (cjgscan.analysis.released):

- figures (cijfers): per characteristic × released column, exactly the dashboard's numbers, from round_results;
- answers (antwoorden, administrators only): one row per answer and per key comment of the released responses,
  respondents numbered per export, each row labelled with its release and released cells (groups shown together
  carry the together label, as on the dashboard); before the first release the table has no rows.

The answers are read with one ordered query per kind (answers, comments), streamed with .iterator(), so memory
stays flat however many respondents a round has.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cjgscan.analysis.released import ReleasedView, profession_key, released_view
from cjgscan.analysis.results import RoundResults, round_results
from cjgscan.instruments.i18n import tr
from cjgscan.presentation.words import CONSENSUS
from cjgscan.rounds.models import Answer, Release, Round, ThemeAnswer

FIGURES = "cijfers"
ANSWERS = "antwoorden"
KINDS = (FIGURES, ANSWERS)
CHUNK_SIZE = 2000


def export_filename(round_: Round, kind: str, file_format: str) -> str:
    what = _("answers") if kind == ANSWERS else _("figures")
    return f"{slugify(round_.title) or 'meting'}-{what}.{file_format}"


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
    """How each released answer sheet is labelled: with the cells of the latest release it falls in, nothing
    finer, so that no row tells more than the released figures already do."""

    view: ReleasedView
    labels: dict[int, str]  # group pk -> its cell's label, for every group whose answers are exported
    professions: dict[str, str] | None  # profession code -> its cell's label; None: professions not released
    own: frozenset[int]  # group pks shown on their own: only their comments are exported, as on the dashboard

    @property
    def visible(self) -> bool:
        return self.view.visible


def answer_folding(round_: Round) -> Folding:
    """The latest release's cells (cjgscan.analysis.released), the same ones the dashboard shows."""
    view = released_view(round_)
    labels = {pk: cell.label for cell in view.group_cells for pk in cell.members}
    professions = None
    if view.profession_cells is not None:
        professions = {code: cell.label for cell in view.profession_cells for code in cell.members}
    own = frozenset(cell.members[0] for cell in view.group_cells if not cell.together)
    return Folding(view, labels, professions, own)  # type: ignore[arg-type]


def answer_table(round_: Round, folding: Folding | None = None, progress: Callable[[int], None] | None = None) -> Table:
    """One row per answer and per key comment of the released responses, ordered by respondent; respondents
    numbered 1, 2, … per export. Rows carry their release and their released cells, nothing finer.

    The number is not the Response's key: respondents are numbered in the order of their random ids, which says
    nothing about who they are or when they answered, and is the same in CSV and XLSX of the same data.
    `progress`, if given, is called with the number of respondents done each time the next one begins.
    """
    folding = folding or answer_folding(round_)
    header = [_("Respondent"), _("Release"), _("Group")]
    if folding.professions is not None:
        header.append(_("Profession"))
    header += [_("Code"), _("Value"), _("Answer code"), _("Comment")]
    known = folding.view.known_professions

    def rows() -> Iterator[list[Any]]:
        if not folding.labels:
            return
        # The response's key as text (no UUID object per row); it orders as the key does on both databases.
        response = Cast("response_id", TextField())
        columns = ("response__release_id", "response__group_id", "response__profession")  # no join for these
        answers = (
            Answer.objects.released(round_)
            .filter(response__group_id__in=list(folding.labels))
            .annotate(respondent=response)
            .order_by("response_id", "item__theme__number", "item__position")
            .values_list("respondent", "item__theme__number", *columns, "item__code", "value", "option__code")
        )
        comments = (
            ThemeAnswer.objects.released(round_)
            .filter(response__group_id__in=list(folding.own))
            .exclude(comment="")
            .annotate(respondent=response)
            .order_by("response_id", "theme__number")
            .values_list("respondent", "theme__number", *columns, "theme__code", "comment")
        )
        releases = dict(Release.objects.filter(round=round_).values_list("pk", "number"))
        labels, professions = folding.labels, folding.professions
        numbers = count(1)
        current: str | None = None
        prefix: list[Any] = []

        def prefix_for(respondent: str, release: int, group: int, profession: str) -> list[Any]:
            """A respondent's first cells (number, release, group cell, profession cell), the same on each row."""
            nonlocal current, prefix
            if respondent != current:
                number = next(numbers)
                if progress is not None:
                    progress(number - 1)
                current, prefix = respondent, [number, releases[release], labels[group]]
                if professions is not None:
                    prefix.append(professions.get(profession_key(profession, known), ""))
            return prefix

        def comment_row(comment: tuple[Any, ...]) -> list[Any]:
            respondent, _theme, release, group, profession, code, text = comment
            return [*prefix_for(respondent, release, group, profession), code, None, None, text]

        # Both lists come in the order of (respondent, key); a key's comment goes after its characteristics. The
        # comments are few: at each new (respondent, key) of the answers, those that sort before it go first.
        pending = iter(comments.iterator(CHUNK_SIZE))
        comment = next(pending, None)
        last: tuple[str, int] | None = None
        for respondent, theme, release, group, profession, code, value, option in answers.iterator(CHUNK_SIZE):
            if comment is not None and (respondent, theme) != last:
                last = (respondent, theme)
                while comment is not None and comment[:2] < last:
                    yield comment_row(comment)
                    comment = next(pending, None)
            if respondent != current:
                prefix = prefix_for(respondent, release, group, profession)
            yield [*prefix, code, value, option, None]
        while comment is not None:
            yield comment_row(comment)
            comment = next(pending, None)

    return Table(_("Answers"), header, rows())
