"""Rounds of one instrument side by side (trend), and the comparison with other organisations on the overview."""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cjgscan.analysis.benchmark import MIN_OTHERS, KeyBenchmark, round_benchmark
from cjgscan.analysis.results import RoundResults
from cjgscan.analysis.trend import DOWN, SAME, UP, VERDICTS, Change
from cjgscan.analysis.trend_results import ALL, Trend, organisation_trend
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Instrument
from cjgscan.lib.numbers import signed
from cjgscan.organisations.access import get_membership
from cjgscan.reports.trend_chart import line_chart

SYMBOLS = {UP: "▲", DOWN: "▼", SAME: "=", None: ""}
BANDS = {
    "bottom": gettext_lazy("bottom quarter"),
    "second": gettext_lazy("second quarter"),
    "third": gettext_lazy("third quarter"),
    "top": gettext_lazy("top quarter"),
}


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


@login_required
@require_GET
def trend(request: HttpRequest, org_uuid: uuid.UUID, slug: str) -> HttpResponse:
    membership = get_membership(request, org_uuid)
    instrument = get_object_or_404(Instrument, slug=slug, kind=Instrument.Kind.SCAN)
    data = organisation_trend(membership.organisation, instrument, request.GET.get("basis") or None)
    column = request.GET.get("groep", ALL)
    if column not in data.groups:
        column = ALL
    column_label = column or _("all respondents")
    context: dict[str, Any] = {
        "membership": membership,
        "organisation": membership.organisation,
        "instrument": instrument,
        "trend": data,
        "column": column,
        "column_label": column_label,
        "instrument_title": tr(data.rounds[-1].round.version.title) if data.rounds else _latest_title(instrument),
        "base_uuid": str(data.rounds[data.base].round.uuid) if data.base is not None else "",
    }
    if data.rounds:
        points = data.rounds[-1].points
        labels = [round_label(data, i) for i in range(len(data.rounds))]
        pairs = data.pairs
        rows: list[dict[str, Any]] = []
        series: list[tuple[str, str, list[float | None]]] = []
        for theme in data.themes:
            estimates = [r.key(column, theme.code) if column in r.keys else None for r in data.rounds]
            changes = [change_cell(data.change(column, theme.code, *pair)) for pair in pairs]
            rows.append({"theme": theme, "estimates": estimates, "changes": changes})
            series.append(
                (f"{theme.number}. {tr(theme.title)}", str(theme.number), [e.mean if e else None for e in estimates])
            )
        overall = [r.overall.get(column) for r in data.rounds]
        summary = trend_summary(data, column, column_label)
        context.update(
            labels=labels,
            pair_labels=[(labels[a], labels[b]) for a, b in pairs],
            rows=rows,
            overall=overall,
            overall_changes=[change_cell(data.change(column, None, *pair)) for pair in pairs],
            summary=summary,
            points=points,
            chart=line_chart(
                labels,
                series,
                scale_min=1,
                scale_max=points,
                title=_("Score per key per round (%(column)s)") % {"column": column_label},
                description=summary,
                id_prefix="trend",
                empty_text=_("No data"),
            ),
        )
        latest = data.latest_pair
        if latest is not None:
            columns = [(ALL, _("All respondents")), *((name, name) for name in data.groups)]
            context["matrix_columns"] = columns
            context["matrix_pair"] = (labels[latest[0]], labels[latest[1]])
            context["matrix"] = [
                (theme, [_matrix_cell(data, name, theme.code, latest) for name, _label in columns])
                for theme in data.themes
            ]
    return render(request, "dashboard/trend.html", context)


def _latest_title(instrument: Instrument) -> str:
    version = instrument.latest_version()
    return tr(version.title) if version else instrument.slug


def _matrix_cell(data: Trend, column: str, code: str, pair: tuple[int, int]) -> dict[str, Any] | None:
    """None where the group is not shown in one of the two rounds (too small there)."""
    if any(column not in data.rounds[i].keys for i in pair):
        return None
    return change_cell(data.change(column, code, *pair))


def benchmark_context(results: RoundResults) -> dict[str, Any]:
    """The overview's comparison with other organisations; empty unless the organisation takes part."""
    found = round_benchmark(results)
    if found is None:
        return {}
    rows: list[tuple[Any, KeyBenchmark, str]] = []
    for theme in results.themes:
        entry = found[theme.code]
        rows.append((theme, entry, str(BANDS[entry.band]) if entry.band else ""))
    return {
        "benchmark_rows": rows,
        "benchmark_shown": any(entry.band for _theme, entry, _band in rows),
        "benchmark_others": max((entry.others for entry in found.values()), default=0),
        "benchmark_minimum": MIN_OTHERS,
    }
