"""The XLSX download as a workbook people can use: sheets with formats, frozen headers, filters and widths.

- figures (cijfers): "Sleutels" (key scores per released column, as the dashboard), "Kenmerken" (the figures table,
  as in the CSV), "Verdeling" (the share of each answer per characteristic and column) and "Toelichting";
- answers (antwoorden): the answers table and "Toelichting".

All of the latest release only, the same cells as the dashboard and the CSV (cjgscan.exports.tables).
"""

from collections.abc import Iterator
from typing import IO, Any

from django.utils import formats
from django.utils.translation import gettext as _

from cjgscan.analysis.released import ReleasedView
from cjgscan.analysis.results import RoundResults, round_results
from cjgscan.exports.tables import ANSWERS, Folding, Table, answer_folding, answer_table, figure_table
from cjgscan.instruments.i18n import tr
from cjgscan.lib.xlsx import DECIMAL_1, DECIMAL_2, INTEGER, PERCENT, TEXT, WRAPPED, Column, Sheet, write_workbook
from cjgscan.presentation.words import CONSENSUS
from cjgscan.rounds.models import Round


def _share(value: float | None) -> float | None:
    return None if value is None else value / 100


def key_sheet(results: RoundResults) -> Sheet:
    agreement = {code: str(label) for code, label in CONSENSUS.items()}
    columns = [
        Column(_("Key"), TEXT, 8),
        Column(_("Title"), WRAPPED, 40),
        Column(_("Group"), TEXT, 30),
        Column(_("Respondents in group"), INTEGER, 14),
        Column(_("Score"), DECIMAL_2, 10),
        Column(_("Percentage"), PERCENT, 12),
        Column(_("Characteristics with a score"), INTEGER, 16),
        Column(_("Consensus"), TEXT, 14),
        Column(_("Importance (1–5)"), DECIMAL_1, 14),
    ]
    titles = {theme.pk: tr(theme.title) for theme in results.themes}

    def rows() -> Iterator[list[Any]]:
        for column in results.columns:
            overall = results.overall.get(column.key)
            if overall is not None:
                yield [
                    None,
                    _("All keys"),
                    column.label,
                    column.respondents,
                    overall.mean,
                    _share(overall.percent),
                    overall.items,
                    agreement.get(overall.consensus or ""),
                    None,
                ]
            for theme in results.themes:
                score = results.keys.get(theme.pk, {}).get(column.key)
                if score is None:
                    continue
                importance = results.importance.get(theme.pk) if column is results.columns[0] else None
                yield [
                    theme.code,
                    titles[theme.pk],
                    column.label,
                    column.respondents,
                    score.mean,
                    _share(score.percent),
                    score.items,
                    agreement.get(score.consensus or ""),
                    importance,
                ]

    return Sheet(_("Keys"), columns, rows())


FIGURE_FORMATS = {
    0: (TEXT, 8),
    1: (TEXT, 10),
    2: (WRAPPED, 50),
    3: (TEXT, 30),
    4: (INTEGER, 14),
    5: (INTEGER, 12),
    6: (DECIMAL_2, 10),
    7: (DECIMAL_1, 10),
    8: (DECIMAL_2, 12),
}


def characteristics_sheet(table: Table, points: int) -> Sheet:
    """The figures table (as in the CSV) with a format per column."""
    columns = []
    for n, title in enumerate(table.header):
        if n in FIGURE_FORMATS:
            kind, width = FIGURE_FORMATS[n]
        elif n < 9 + points:
            kind, width = INTEGER, 12  # the number of answers per point of the scale
        elif n == len(table.header) - 1:
            kind, width = TEXT, 14  # consensus
        else:  # don't know / not applicable: number, share, number, share
            kind, width = (INTEGER, 12) if (n - 9 - points) % 2 == 0 else (PERCENT, 12)
        columns.append(Column(title, kind, width))
    return Sheet(_("Characteristics"), columns, table.rows)


def distribution_sheet(results: RoundResults) -> Sheet:
    """Per characteristic and column, the share of the answers on the scale given to each point."""
    options = [(o.value, tr(o.label)) for o in results.round.scale.options.all() if o.value is not None]
    columns = [
        Column(_("Key"), TEXT, 8),
        Column(_("Characteristic"), TEXT, 10),
        Column(_("Group"), TEXT, 30),
        Column(_("n (answers on the scale)"), INTEGER, 12),
        *[Column(f"{value} {label}", PERCENT, 14) for value, label in options],
    ]

    def rows() -> Iterator[list[Any]]:
        for theme in results.themes:
            for item in theme.items.all():
                for column in results.columns:
                    summary = results.items[item.pk][column.key]
                    shares = [
                        summary.distribution.get(value, 0) / summary.n if summary.n else None for value, _l in options
                    ]
                    yield [theme.code, item.code, column.label, summary.n, *shares]

    return Sheet(_("Distribution"), columns, rows())


def explanation_sheet(round_: Round, view: ReleasedView, lines: list[str]) -> Sheet:
    """What the file holds, in words: one line a row."""
    release = view.release
    head = [
        f"{round_.organisation.name}: {round_.title}",
        _("Instrument: %(title)s, version %(number)s")
        % {"title": tr(round_.version.title), "number": round_.version.number},
        _("Answer scale: %(scale)s") % {"scale": tr(round_.scale.title)},
    ]
    if release is None:
        head.append(_("No results have been released yet: the sheets hold only their column headings."))
    else:
        head.append(
            _("Release %(number)s of %(date)s: %(respondents)s respondents.")
            % {
                "number": release.number,
                "date": formats.date_format(release.made_on, "DATE_FORMAT"),
                "respondents": view.respondents,
            }
        )
    head.append(
        _("Groups and professions with fewer than %(min)s respondents are never shown on their own.")
        % {"min": round_.min_group_size}
    )
    text = [*head, *view.explanations, *lines]
    return Sheet(_("Explanation"), [Column(_("Explanation"), WRAPPED, 110)], ([line] for line in text), filter=False)


def figures_lines() -> list[str]:
    return [
        _(
            "Keys: the score of each key per column (the mean of its characteristics' scores, each weighs the same), "
            "as a percentage of the scale, and how important respondents found it (all respondents)."
        ),
        _(
            "Characteristics: per characteristic and column the number of answers, mean, median, spread, the number "
            "of answers per point of the scale, “don't know” and “not applicable”, and the consensus."
        ),
        _("Distribution: the share of the answers on the scale that went to each point."),
        _("Numbers are stored in full precision; the cells show one or two decimals."),
    ]


def answers_lines() -> list[str]:
    return [
        _(
            "Answers: one row per answer and per comment on a key. Respondents are numbered per download in a "
            "random order; the number says nothing about who answered or when."
        ),
    ]


def answer_sheets(round_: Round, folding: Folding, table: Table) -> list[Sheet]:
    """The answers table (as in the CSV) with a format per column, and the explanation."""
    columns = [Column(title, INTEGER if n < 2 else TEXT, 12 if n < 2 else 24) for n, title in enumerate(table.header)]
    columns[-2] = Column(table.header[-2], TEXT, 14)  # answer code
    columns[-3] = Column(table.header[-3], INTEGER, 8)  # value
    columns[-1] = Column(table.header[-1], WRAPPED, 60)  # comment
    return [Sheet(table.title, columns, table.rows), explanation_sheet(round_, folding.view, answers_lines())]


def write_export_xlsx(round_: Round, kind: str, file: IO[bytes]) -> None:
    """The XLSX of `kind` (figures or answers) into an open binary file."""
    if kind == ANSWERS:
        folding = answer_folding(round_)
        sheets = answer_sheets(round_, folding, answer_table(round_, folding))
    else:
        results = round_results(round_)
        sheets = [
            key_sheet(results),
            characteristics_sheet(figure_table(results), results.points),
            distribution_sheet(results),
            explanation_sheet(round_, results.release, figures_lines()),
        ]
    write_workbook(sheets, file)
