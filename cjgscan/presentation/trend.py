"""Rounds of one instrument side by side as the trend page shows them: rows, changes in words and the line chart."""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cjgscan.analysis.trend import DOWN, SAME, UP, VERDICTS, Change
from cjgscan.analysis.trend_results import ALL, Trend
from cjgscan.instruments.i18n import tr
from cjgscan.lib.numbers import signed
from cjgscan.presentation.downloads import Chart
from cjgscan.presentation.results import figure
from cjgscan.presentation.trend_chart import line_chart
from cjgscan.presentation.words import SYMBOLS

TREND = "trend"


def change_cell(change: Change) -> dict[str, Any]:
    interval = ""
    if change.interval is not None:
        low, high = change.interval
        interval = _("95%% interval: %(low)s to %(high)s") % {"low": signed(low), "high": signed(high)}
    return {
        "difference": signed(change.difference),
        "verdict": VERDICTS[change.verdict] if change.difference is not None else "–",
        "code": change.verdict,
        "symbol": SYMBOLS[change.verdict] if change.difference is not None else "",
        "interval": interval,
    }


def round_label(trend: Trend, index: int) -> str:
    round_ = trend.rounds[index].round
    return f"{round_.title} ({date_format(round_.opens_on, 'M Y')})"


def trend_summary(trend: Trend, column: str, column_label: str) -> str:
    """The latest change of every key in words."""
    pair = trend.latest_pair
    if pair is None:
        return _("At least two rounds with enough respondents are needed to show a change.")
    by_verdict: dict[str | None, list[str]] = {UP: [], DOWN: [], SAME: [], None: []}
    for theme in trend.themes:
        change = trend.change(column, theme.code, *pair)
        if change.difference is not None:
            by_verdict[change.verdict].append(f"{theme.number}. {tr(theme.title)}")
    parts = [
        _("From %(before)s to %(after)s (%(column)s):")
        % {"before": round_label(trend, pair[0]), "after": round_label(trend, pair[1]), "column": column_label}
    ]
    for verdict in (UP, DOWN, SAME, None):
        if by_verdict[verdict]:
            parts.append(f"{VERDICTS[verdict]}: {', '.join(by_verdict[verdict])}.")
    if len(parts) == 1:
        parts.append(_("no key has a score in both rounds."))
    return " ".join(parts)


def _estimates(data: Trend, column: str, code: str) -> list[Any]:
    return [r.key(column, code) if column in r.keys else None for r in data.rounds]


def trend_figure(data: Trend, column: str, column_label: str, summary: str) -> Chart:
    """The key scores per round as lines, with a row per key and a column per round as its data."""
    labels = [round_label(data, i) for i in range(len(data.rounds))]
    series: list[tuple[str, str, list[float | None]]] = []
    for theme in data.themes:
        means = [e.mean if e else None for e in _estimates(data, column, theme.code)]
        series.append((f"{theme.number}. {tr(theme.title)}", str(theme.number), means))
    title = _("Score per key per round (%(column)s)") % {"column": column_label}
    svg = line_chart(
        labels,
        series,
        scale_min=1,
        scale_max=data.rounds[-1].points,
        title=title,
        description=summary,
        id_prefix="trend",
        empty_text=_("No data"),
    )
    rows = [[name, *map(figure, means)] for name, _short, means in series]
    return Chart(TREND, title, svg, [_("Key"), *labels], rows)


def trend_context(data: Trend, column: str, column_label: str) -> dict[str, Any]:
    """Everything the trend page shows when at least one round has a release."""
    labels = [round_label(data, i) for i in range(len(data.rounds))]
    pairs = data.pairs
    rows: list[dict[str, Any]] = []
    for theme in data.themes:
        changes = [change_cell(data.change(column, theme.code, *pair)) for pair in pairs]
        rows.append({"theme": theme, "estimates": _estimates(data, column, theme.code), "changes": changes})
    summary = trend_summary(data, column, column_label)
    context: dict[str, Any] = {
        "labels": labels,
        "pair_labels": [(labels[a], labels[b]) for a, b in pairs],
        "rows": rows,
        "overall": [r.overall.get(column) for r in data.rounds],
        "overall_changes": [change_cell(data.change(column, None, *pair)) for pair in pairs],
        "summary": summary,
        "points": data.rounds[-1].points,
        "chart": trend_figure(data, column, column_label, summary),
    }
    latest = data.latest_pair
    if latest is not None:
        columns = [(ALL, _("All respondents")), *((name, name) for name in data.groups)]
        context["matrix_columns"] = columns
        context["matrix_pair"] = (labels[latest[0]], labels[latest[1]])
        context["matrix"] = [
            (theme, [_matrix_cell(data, name, theme.code, latest) for name, _label in columns]) for theme in data.themes
        ]
    return context


def _matrix_cell(data: Trend, column: str, code: str, pair: tuple[int, int]) -> dict[str, Any] | None:
    """None where the group is not shown in one of the two rounds (too small there)."""
    if any(column not in data.rounds[i].keys for i in pair):
        return None
    return change_cell(data.change(column, code, *pair))
