"""Rounds of one instrument side by side (trend), and its chart as files."""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cjgscan.analysis.trend_results import ALL, Trend, organisation_trend
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Instrument
from cjgscan.organisations.access import get_membership
from cjgscan.presentation.downloads import chart_response
from cjgscan.presentation.trend import trend_context, trend_figure, trend_summary


def _trend(request: HttpRequest, org_uuid: uuid.UUID, slug: str) -> tuple[Any, Instrument, Trend, str, str]:
    """The member, the instrument and its trend for the column asked for (?groep=, all respondents by default)."""
    membership = get_membership(request, org_uuid)
    instrument = get_object_or_404(Instrument, slug=slug, kind=Instrument.Kind.SCAN)
    data = organisation_trend(membership.organisation, instrument, request.GET.get("basis") or None)
    column = request.GET.get("groep", ALL)
    if column not in data.groups:
        column = ALL
    return membership, instrument, data, column, column or _("all respondents")


@login_required
@require_GET
def trend(request: HttpRequest, org_uuid: uuid.UUID, slug: str) -> HttpResponse:
    membership, instrument, data, column, column_label = _trend(request, org_uuid, slug)
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
        context.update(trend_context(data, column, column_label))
    return render(request, "dashboard/trend.html", context)


@login_required
@require_GET
def trend_chart(request: HttpRequest, org_uuid: uuid.UUID, slug: str, fmt: str) -> HttpResponse:
    """The trend page's line chart as SVG, PNG or CSV, for the same column and comparison as the page."""
    _membership, instrument, data, column, column_label = _trend(request, org_uuid, slug)
    if not data.rounds:
        raise Http404
    chart = trend_figure(data, column, column_label, trend_summary(data, column, column_label))
    return chart_response(chart, fmt, f"{instrument.slug} trend")


def _latest_title(instrument: Instrument) -> str:
    version = instrument.latest_version()
    return tr(version.title) if version else instrument.slug
