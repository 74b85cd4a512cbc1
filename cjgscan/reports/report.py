"""The PDF report of a round: the dashboard's figures and charts, a written summary, agreed scores, the action plan.

Two kinds: the board report (summary, key scores per group, things to discuss, agreed scores, the plan, the
method: at most 12 pages) and the same with an appendix of a chapter per key. The same function serves the
worker (cjgscan/reports/tasks.py) and the `cjgscan report` command, so both give the same file: the HTML is
rendered without a request, and the PDF carries the report's date (no time) as its creation date.
"""

import datetime
from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cjgscan.analysis.discuss_results import discussion
from cjgscan.analysis.results import ALL, GROUPS, RoundResults, round_results
from cjgscan.development.models import Action, AgreedScore
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Tip
from cjgscan.lib.numbers import number
from cjgscan.presentation import charts
from cjgscan.presentation.results import LOW_SCORE_PERCENT, item_rows, overview_summary, radar
from cjgscan.reports import summary
from cjgscan.reports.typeset import report_pdf
from cjgscan.rounds.models import Round

REPORT_CSS = "cjgscan/report.css"
PHASES = [phase for phase, _label in Action.Phase.choices]


def previous_round(round_: Round) -> Round | None:
    """The organisation's latest earlier round of the same instrument (any version) that was opened."""
    earlier = Q(opens_on__lt=round_.opens_on) | Q(opens_on=round_.opens_on, created__lt=round_.created)
    return (
        Round.objects.filter(earlier, organisation_id=round_.organisation_id)
        .filter(version__instrument_id=round_.version.instrument_id)
        .exclude(status=Round.Status.DRAFT)
        .exclude(pk=round_.pk)
        .select_related("version__instrument", "scale")
        .prefetch_related("scale__options")
        .order_by("-opens_on", "-created")
        .first()
    )


def _results(round_: Round) -> RoundResults:
    prefetch_related_objects([round_], "scale__options")  # round_results and the answer labels share them
    results = round_results(round_, GROUPS)
    prefetch_related_objects(results.themes, Prefetch("tips", queryset=Tip.objects.order_by("position")))
    return results


def _key_pages(results: RoundResults, previous: RoundResults | None) -> list[dict[str, Any]]:
    previous_keys = {}
    if previous is not None and previous.visible:
        previous_keys = {t.code: t for t in previous.themes}
    gaps = results.gaps()
    pages = []
    for theme in results.themes:
        key_score = results.keys[theme.pk][ALL]
        before = previous_keys.get(theme.code)
        change = summary.key_change(results, theme, previous, before) if previous and before else None
        items = item_rows(results, theme, legend=False)
        options = [label for label, _count in items[0]["counts"]] if items else []
        pages.append(
            {
                "theme": theme,
                "key_score": key_score,
                "key_scores": [(c, results.keys[theme.pk][c.key]) for c in results.columns],
                "change": change,
                "change_words": summary.change_words(change) if change else "",
                "items": items,
                "options": options,
                "legend": charts.distribution_legend(
                    options,
                    title=_("Answer options"),
                    description=_("The colour and pattern of each answer option in the bars below."),
                    id_prefix=f"legend-{theme.code}",
                    neutral=2,
                ),
                "gaps": [g for g in gaps if getattr(g.subject, "theme_id", g.subject.pk) == theme.pk],
                "comments": results.comments.get(theme.pk, []),
                "low": key_score.percent is not None and key_score.percent < LOW_SCORE_PERCENT,
                "tips": theme.tips.all(),
            }
        )
    return pages


def _comparison_chart(results: RoundResults, previous: RoundResults) -> Any:
    by_code = {t.code: previous.keys[t.pk][ALL].mean for t in previous.themes}
    return charts.score_bars(
        [(f"{t.number}. {tr(t.title)}", results.keys[t.pk][ALL].mean) for t in results.themes],
        scale_min=1,
        scale_max=results.points,
        title=_("Scores per key, this round and the previous one"),
        description=_("The bars show this round's score per key; the diamonds show the previous round (%(title)s).")
        % {"title": previous.round.title},
        id_prefix="compare",
        reference=[by_code.get(t.code) for t in results.themes],
        reference_label=_("Previous round"),
        empty_text=_("No data"),
    )


def _agreed_scores(round_: Round, results: RoundResults) -> list[dict[str, Any]]:
    by_code = {t.code: t for t in results.themes}
    rows = []
    for agreed in AgreedScore.objects.filter(round=round_).order_by("theme_code"):
        theme = by_code.get(agreed.theme_code)
        measured = results.keys[theme.pk][ALL].mean if theme is not None and results.visible else None
        rows.append({"agreed": agreed, "theme": theme, "measured": measured, "score": float(agreed.score)})
    return sorted(rows, key=lambda row: (row["theme"].number if row["theme"] else 99, row["agreed"].theme_code))


def _actions(round_: Round, results: RoundResults) -> list[dict[str, Any]]:
    themes = {t.code: t for t in results.themes}
    actions = Action.objects.filter(round=round_, organisation_id=round_.organisation_id).select_related("owner")
    rows = [{"action": action, "theme": themes.get(action.theme_code)} for action in actions]
    return sorted(
        rows,
        key=lambda row: (
            PHASES.index(row["action"].phase) if row["action"].phase in PHASES else len(PHASES),
            row["action"].due_on or datetime.date.max,
            row["action"].title,
        ),
    )


def report_context(round_: Round, today: datetime.date | None = None, appendix: bool = False) -> dict[str, Any]:
    """Everything the report shows, in a fixed number of queries. `round_` comes with its organisation,
    version (with instrument) and scale, as the access helpers fetch it. `appendix`: a chapter per key."""
    results = _results(round_)
    earlier = previous_round(round_)
    previous = round_results(earlier, GROUPS) if earlier is not None else None
    context: dict[str, Any] = {
        "organisation": round_.organisation,
        "round": round_,
        "results": results,
        "today": today or timezone.localdate(),
        "previous": previous,
        "scale_options": [o for o in round_.scale.options.all() if o.value is not None],
        "missing_options": [o for o in round_.scale.options.all() if o.value is None],
        "agreed_scores": _agreed_scores(round_, results),
        "actions": _actions(round_, results),
        "appendix": appendix,
        # The board report's "three things to discuss": the results page's topics (analysis/discuss.py), in words.
        "discuss": [],
    }
    context["changes_opening"], context["changes"] = summary.change_sentences(results, previous)
    if not results.visible:
        return context
    context["discuss"] = discuss_sentences(results)
    scores = overview_summary(results)
    gaps = results.gaps()
    context["gaps_opening"], context["gap_lines"] = summary.gap_sentences(results, gaps)
    context.update(
        response_sentence=summary.response_sentence(results),
        scores_sentence=scores,
        items_sentence=summary.items_sentence(results),
        radar=radar(results, scores),
        key_rows=[(t, [results.keys[t.pk][c.key] for c in results.columns]) for t in results.themes],
        keys=_key_pages(results, previous) if appendix else [],
        comparison=_comparison_chart(results, previous) if previous is not None and previous.visible else None,
    )
    return context


def render_report_html(round_: Round, language: str, today: datetime.date | None = None, appendix: bool = False) -> str:
    with translation.override(language):
        return render_to_string("reports/report.html", report_context(round_, today, appendix))


def render_report_pdf(
    round_: Round, language: str, today: datetime.date | None = None, appendix: bool = False
) -> bytes:
    """The report typeset by Typst (cjgscan/reports/typeset.py): tagged PDF/UA-1. The HTML above stays as the
    measure of the PDF's cost (bench/report.py), and WeasyPrint's input there."""
    with translation.override(language):
        return report_pdf(report_context(round_, today, appendix))


def report_file_name(round_: Round, language: str, appendix: bool = False) -> str:
    from django.utils.text import slugify

    with translation.override(language):
        word = _("report with appendix") if appendix else _("report")
    return f"{slugify(round_.title) or 'meting'}-{slugify(word)}.pdf"


def discuss_sentences(results: RoundResults) -> list[str]:
    """The results page's "things to discuss" as plain sentences, with the page's own words."""
    sentences = []
    for topic in discussion(results).topics:
        if topic.key is not None:
            words = _("Low score: %(title)s") % {"title": topic.key.title}
            words += ". " + _("All respondents together give this key %(mean)s of %(points)s.") % {
                "mean": number(topic.key.mean),
                "points": results.points,
            }
            if topic.key.importance:
                words += " " + _("They find it important: %(importance)s of 5.") % {
                    "importance": number(topic.key.importance)
                }
        elif topic.spread is not None:
            spread = topic.spread
            words = _("Groups disagree: %(text)s") % {"text": spread.text}
            words += ". " + _("%(high)s gives %(high_mean)s, %(low)s %(low_mean)s: a difference of %(difference)s.") % {
                "high": spread.high_label,
                "high_mean": number(spread.high_mean),
                "low": spread.low_label,
                "low_mean": number(spread.low_mean),
                "difference": number(spread.difference),
            }
        else:
            continue
        sentences.append(words)
    return sentences
