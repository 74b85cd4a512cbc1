"""Results of a round on screen: overview and one page per key. Figures come from cjgscan.analysis only."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cjgscan.analysis.discuss import GAP_THRESHOLD
from cjgscan.analysis.discuss_results import discussion
from cjgscan.analysis.release import NOTHING_NEW
from cjgscan.analysis.released import do_release
from cjgscan.analysis.results import ALL, GROUPS, PROFESSIONS, RoundResults, round_results
from cjgscan.analysis.stats import Score
from cjgscan.dashboard.views_trend import benchmark_context
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Theme
from cjgscan.lib.numbers import number
from cjgscan.reports import charts
from cjgscan.rounds.access import get_round, get_round_rw
from cjgscan.rounds.models import Round

LOW_SCORE_PERCENT = 50  # below this, a key's page shows the instrument's tips


def _results(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> tuple[Any, RoundResults, str]:
    membership, round_ = get_round(request, org_uuid, round_uuid)
    dimension = PROFESSIONS if request.GET.get("per") == "beroep" and round_.ask_profession else GROUPS
    return membership, round_results(round_, dimension), dimension


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


def radar(results: RoundResults, description: str) -> SafeString:
    """The keys' scores per column as a spider chart (the page and the PDF report)."""
    return charts.radar_chart(
        [f"{t.number}. {tr(t.title)}" for t in results.themes],
        [(c.label, [results.keys[t.pk][c.key].mean for t in results.themes]) for c in results.columns],
        **_scale_bounds(results),
        title=_("Scores per key"),
        description=description,
        id_prefix="radar",
        empty_text=_("No data"),
    )


def item_rows(results: RoundResults, theme: Theme, legend: bool = True) -> list[dict[str, Any]]:
    """Per characteristic of a key: its figures for everyone, per column, and its answers as a bar (the PDF
    report draws the bars without a legend each, under one legend per key)."""
    labels = {o.value: tr(o.label) for o in results.round.scale.options.all() if o.value is not None}
    items = []
    for item in theme.items.all():
        summary = results.items[item.pk][ALL]
        counts = [(labels[v], summary.distribution.get(v, 0)) for v in sorted(labels)]
        counts += [(_("Don't know"), summary.dont_know), (_("Not applicable"), summary.not_applicable)]
        items.append(
            {
                "item": item,
                "summary": summary,
                "by_column": [results.items[item.pk][c.key] for c in results.columns],
                "counts": counts,
                "bar": charts.distribution_bar(
                    item.code,
                    counts,
                    title=_("Answers to %(code)s") % {"code": item.code},
                    description=", ".join(f"{label}: {n}" for label, n in counts),
                    id_prefix=f"dist-{item.code}",
                    neutral=2,
                    empty_text=_("No answers"),
                    legend=legend,
                ),
            }
        )
    return items


@login_required
@require_GET
def overview(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    membership, results, dimension = _results(request, org_uuid, round_uuid)
    context: dict[str, Any] = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": results.round,
        "results": results,
        "dimension": dimension,
    }
    if results.visible:
        key_rows = []
        for t in results.themes:
            scores = [results.keys[t.pk][c.key] for c in results.columns]
            key_rows.append((t, scores, list(zip(results.columns, scores, strict=True))))
        summary = overview_summary(results)
        discussed = discussion(results)
        subjects: dict[str, Any] = {t.code: t for t in results.themes} | {i.code: i for i in results.all_items()}
        spreads = [s for s in discussed.item_spreads + discussed.key_spreads if s.difference >= GAP_THRESHOLD - 1e-9]
        spreads.sort(key=lambda s: -s.difference)  # stable: characteristics before keys of the same width
        context.update(
            key_rows=key_rows,
            summary=summary,
            at_a_glance=discussed.summary,
            overall=results.overall[ALL],
            subjects=subjects,
            topics=[
                (
                    topic,
                    subjects[topic.spread.code if topic.spread else topic.key_code],
                    subjects[topic.key_code],
                    "gap" if topic.spread else "weak",
                )
                for topic in discussed.topics
            ],
            widest=(discussed.summary.widest, subjects.get(getattr(discussed.summary.widest, "code", ""))),
            together=[c.label for c in results.group_columns if c.together],
            spreads=[(s, subjects[s.code]) for s in spreads],
            radar=radar(results, summary),
            heatmap=charts.heatmap(
                [f"{i.code} {tr(i.text)}" for i in results.all_items()],
                [c.label for c in results.columns],
                [[results.items[i.pk][c.key].mean for c in results.columns] for i in results.all_items()],
                **_scale_bounds(results),
                title=_("Every characteristic per group"),
                description=_("The mean score of each characteristic (rows) for each group (columns)."),
                id_prefix="heatmap",
                empty_text=_("No data"),
            ),
            strengths=results.strengths(),
            improvements=results.improvements(),
            priorities=results.priorities(),
            **benchmark_context(results),
        )
    return render(request, "dashboard/overview.html", context)


@login_required
@require_GET
def key_detail(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, code: str) -> HttpResponse:
    membership, results, dimension = _results(request, org_uuid, round_uuid)
    theme = next((t for t in results.themes if t.code == code), None)
    if theme is None:
        raise Http404
    context: dict[str, Any] = {
        "membership": membership,
        "organisation": membership.organisation,
        "round": results.round,
        "results": results,
        "dimension": dimension,
        "theme": theme,
        "themes": results.themes,
    }
    if results.visible:
        items = item_rows(results, theme)
        key_score: Score = results.keys[theme.pk][ALL]
        context.update(
            items=items,
            key_scores=[(c, results.keys[theme.pk][c.key]) for c in results.columns],
            key_score=key_score,
            gaps=[g for g in results.gaps() if getattr(g.subject, "theme_id", g.subject.pk) == theme.pk],
            comments=results.comments.get(theme.pk, []),
            show_tips=key_score.percent is not None and key_score.percent < LOW_SCORE_PERCENT,
            tips=theme.tips.all(),
        )
    return render(request, "dashboard/key_detail.html", context)


@login_required
@require_POST
def release_interim(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    """A coordinator's interim release (tussenstand) of an open round, under the same rule as at closing."""
    _membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    if round_.status != Round.Status.OPEN:
        messages.error(request, _("An interim release is only possible while the round is open."))
        return redirect("results_overview", org_uuid, round_uuid)
    decision = do_release(round_, interim=True)
    if decision.accepted:
        messages.success(request, _("The interim release has been made: the results show the answers sent so far."))
    elif decision.refused == NOTHING_NEW:
        messages.info(request, _("There are no new answers since the latest release."))
    else:
        messages.warning(
            request,
            _(
                "No interim release now: the new answers would show fewer than %(min)s respondents. They wait for "
                "the next release."
            )
            % {"min": round_.min_group_size},
        )
    return redirect("results_overview", org_uuid, round_uuid)
