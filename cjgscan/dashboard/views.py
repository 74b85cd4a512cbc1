"""Results of a round on screen: overview, one page per key and their charts as files. Figures come from
cjgscan.analysis, what the pages show of them from cjgscan.presentation."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cjgscan.analysis.release import NOTHING_NEW
from cjgscan.analysis.released import do_release
from cjgscan.analysis.results import GROUPS, PROFESSIONS, RoundResults, round_results
from cjgscan.presentation.downloads import chart_response
from cjgscan.presentation.results import (
    answer_labels,
    distribution_figure,
    key_context,
    overview_context,
    round_figure,
)
from cjgscan.rounds.access import get_round, get_round_rw
from cjgscan.rounds.models import Round


def _results(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> tuple[Any, RoundResults, str]:
    membership, round_ = get_round(request, org_uuid, round_uuid)
    dimension = PROFESSIONS if request.GET.get("per") == "beroep" and round_.ask_profession else GROUPS
    return membership, round_results(round_, dimension), dimension


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
        context.update(overview_context(results))
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
        context.update(key_context(results, theme))
    return render(request, "dashboard/key_detail.html", context)


@login_required
@require_GET
def round_chart(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, chart: str, fmt: str) -> HttpResponse:
    """A chart of the overview as SVG, PNG or CSV: the page's figures, nothing the page does not show."""
    _membership, results, _dimension = _results(request, org_uuid, round_uuid)
    found = round_figure(results, chart) if results.visible else None
    if found is None:
        raise Http404
    return chart_response(found, fmt, results.round.title)


@login_required
@require_GET
def item_chart(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, code: str, item_code: str, fmt: str
) -> HttpResponse:
    """The answers to one characteristic, as on its key's page, as SVG, PNG or CSV."""
    _membership, results, _dimension = _results(request, org_uuid, round_uuid)
    theme = next((t for t in results.themes if t.code == code), None)
    item = next((i for i in theme.items.all() if i.code == item_code), None) if theme else None
    if item is None or not results.visible:
        raise Http404
    return chart_response(distribution_figure(results, item, answer_labels(results)), fmt, results.round.title)


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
