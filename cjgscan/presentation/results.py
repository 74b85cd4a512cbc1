"""A round's results as people see them: the rows, sentences and charts that the results pages, the PDF report and
the chart downloads build from `RoundResults` (cjgscan.analysis.results). No queries of their own beyond the answer
scale, the tips and the comparison with other organisations, each fetched once."""

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cjgscan.analysis.benchmark import MIN_OTHERS, KeyBenchmark, round_benchmark
from cjgscan.analysis.discuss import GAP_THRESHOLD
from cjgscan.analysis.discuss_results import discussion
from cjgscan.analysis.results import ALL, RoundResults
from cjgscan.analysis.stats import Score
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Item, Theme
from cjgscan.lib.numbers import number
from cjgscan.presentation import charts
from cjgscan.presentation.downloads import Chart
from cjgscan.presentation.words import BANDS

LOW_SCORE_PERCENT = 50  # below this, a key's page shows the instrument's tips
RADAR, HEATMAP = "radar", "heatmap"


def figure(value: float | None) -> float | None:
    """A mean as a chart's data table gives it: two decimals, enough to draw it again, no false precision."""
    return None if value is None else round(value, 2)


def _scale_bounds(results: RoundResults) -> dict[str, Any]:
    return {"scale_min": 1, "scale_max": results.points}


def overview_summary(results: RoundResults) -> str:
    """The radar in words."""
    overall = results.overall.get(ALL)
    scored = [(t, results.keys[t.pk][ALL]) for t in results.themes if results.keys[t.pk][ALL].mean is not None]
    if overall is None or overall.mean is None or not scored:
        return _("There are no scores yet.")
    best = max(scored, key=lambda pair: pair[1].mean or 0)
    worst = min(scored, key=lambda pair: pair[1].mean or 0)
    return _(
        "On average the keys score %(mean)s on a scale of 1 to %(points)s (%(percent)s%%). Strongest key: "
        "%(best)s (%(best_mean)s); weakest: %(worst)s (%(worst_mean)s)."
    ) % {
        "mean": number(overall.mean),
        "points": results.points,
        "percent": number(overall.percent, 0),
        "best": tr(best[0].title),
        "best_mean": number(best[1].mean),
        "worst": tr(worst[0].title),
        "worst_mean": number(worst[1].mean),
    }


def radar_figure(results: RoundResults, description: str) -> Chart:
    """The keys' scores per column as a spider chart, with its data: a row per key, a column per shown column."""
    labels = [f"{t.number}. {tr(t.title)}" for t in results.themes]
    title = _("Scores per key")
    svg = charts.radar_chart(
        labels,
        [(c.label, [results.keys[t.pk][c.key].mean for t in results.themes]) for c in results.columns],
        **_scale_bounds(results),
        title=title,
        description=description,
        id_prefix="radar",
        empty_text=_("No data"),
    )
    rows = [
        [label, *(figure(results.keys[t.pk][c.key].mean) for c in results.columns)]
        for label, t in zip(labels, results.themes, strict=True)
    ]
    return Chart(RADAR, title, svg, [_("Key"), *(c.label for c in results.columns)], rows)


def radar(results: RoundResults, description: str) -> SafeString:
    """The radar's SVG alone (the PDF report)."""
    return radar_figure(results, description).svg


def heatmap_figure(results: RoundResults) -> Chart:
    """Every characteristic (rows) per column, each cell coloured by its mean, with the means as its data."""
    items = results.all_items()
    title = _("Every characteristic per group")
    means = [[results.items[i.pk][c.key].mean for c in results.columns] for i in items]
    svg = charts.heatmap(
        [f"{i.code} {tr(i.text)}" for i in items],
        [c.label for c in results.columns],
        means,
        **_scale_bounds(results),
        title=title,
        description=_("The mean score of each characteristic (rows) for each group (columns)."),
        id_prefix="heatmap",
        empty_text=_("No data"),
    )
    header = [_("Characteristic"), _("Text"), *(c.label for c in results.columns)]
    rows = [[i.code, tr(i.text), *map(figure, row)] for i, row in zip(items, means, strict=True)]
    return Chart(HEATMAP, title, svg, header, rows)


def answer_labels(results: RoundResults) -> dict[int, str]:
    """The answer scale's options on the scale, by value (the round's scale is prefetched with its options)."""
    return {o.value: tr(o.label) for o in results.round.scale.options.all() if o.value is not None}


def distribution_figure(results: RoundResults, item: Item, labels: dict[int, str], legend: bool = True) -> Chart:
    """The answers to one characteristic as a 100 % bar, with a row per answer option: its count and share."""
    summary = results.items[item.pk][ALL]
    counts = [(labels[v], summary.distribution.get(v, 0)) for v in sorted(labels)]
    counts += [(_("Don't know"), summary.dont_know), (_("Not applicable"), summary.not_applicable)]
    title = _("Answers to %(code)s") % {"code": item.code}
    svg = charts.distribution_bar(
        item.code,
        counts,
        title=title,
        description=", ".join(f"{label}: {n}" for label, n in counts),
        id_prefix=f"dist-{item.code}",
        neutral=2,
        empty_text=_("No answers"),
        legend=legend,
    )
    total = sum(n for _label, n in counts)
    rows = [[label, n, round(100 * n / total, 1) if total else None] for label, n in counts]
    return Chart(item.code, title, svg, [_("Answer"), _("Number of answers"), _("Share (%)")], rows)


def item_rows(results: RoundResults, theme: Theme, legend: bool = True) -> list[dict[str, Any]]:
    """Per characteristic of a key: its figures for everyone, per column, and its answers as a bar (the PDF
    report draws the bars without a legend each, under one legend per key)."""
    labels = answer_labels(results)
    items = []
    for item in theme.items.all():
        chart = distribution_figure(results, item, labels, legend)
        items.append(
            {
                "item": item,
                "summary": results.items[item.pk][ALL],
                "by_column": [results.items[item.pk][c.key] for c in results.columns],
                "counts": [(row[0], row[1]) for row in chart.rows],
                "chart": chart,
                "bar": chart.svg,
            }
        )
    return items


def round_figure(results: RoundResults, name: str) -> Chart | None:
    """One of the overview's charts by its download name; None for a name it has not."""
    if name == RADAR:
        return radar_figure(results, overview_summary(results))
    if name == HEATMAP:
        return heatmap_figure(results)
    return None


def overview_context(results: RoundResults) -> dict[str, Any]:
    """Everything the results overview shows of a released round."""
    key_rows = []
    for t in results.themes:
        scores = [results.keys[t.pk][c.key] for c in results.columns]
        key_rows.append((t, scores, list(zip(results.columns, scores, strict=True))))
    summary = overview_summary(results)
    discussed = discussion(results)
    subjects: dict[str, Any] = {t.code: t for t in results.themes} | {i.code: i for i in results.all_items()}
    spreads = [s for s in discussed.item_spreads + discussed.key_spreads if s.difference >= GAP_THRESHOLD - 1e-9]
    spreads.sort(key=lambda s: -s.difference)  # stable: characteristics before keys of the same width
    return {
        "key_rows": key_rows,
        "summary": summary,
        "at_a_glance": discussed.summary,
        "overall": results.overall[ALL],
        "subjects": subjects,
        "topics": [
            (
                topic,
                subjects[topic.spread.code if topic.spread else topic.key_code],
                subjects[topic.key_code],
                "gap" if topic.spread else "weak",
            )
            for topic in discussed.topics
        ],
        "widest": (discussed.summary.widest, subjects.get(getattr(discussed.summary.widest, "code", ""))),
        "together": [c.label for c in results.group_columns if c.together],
        "spreads": [(s, subjects[s.code]) for s in spreads],
        "radar": radar_figure(results, summary),
        "heatmap": heatmap_figure(results),
        "strengths": results.strengths(),
        "improvements": results.improvements(),
        "priorities": results.priorities(),
        **benchmark_context(results),
    }


def key_context(results: RoundResults, theme: Theme) -> dict[str, Any]:
    """Everything a key's results page shows of a released round."""
    key_score: Score = results.keys[theme.pk][ALL]
    return {
        "items": item_rows(results, theme),
        "key_scores": [(c, results.keys[theme.pk][c.key]) for c in results.columns],
        "key_score": key_score,
        "gaps": [g for g in results.gaps() if getattr(g.subject, "theme_id", g.subject.pk) == theme.pk],
        "comments": results.comments.get(theme.pk, []),
        "show_tips": key_score.percent is not None and key_score.percent < LOW_SCORE_PERCENT,
        "tips": theme.tips.all(),
    }


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
