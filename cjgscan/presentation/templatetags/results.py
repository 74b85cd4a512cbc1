from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from cjgscan.lib import numbers
from cjgscan.lib.numbers import signed
from cjgscan.presentation.downloads import Chart
from cjgscan.presentation.words import CONSENSUS

__all__ = ["number", "signed", "percent", "percent_share", "CONSENSUS"]

register = template.Library()


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    return numbers.number(value, decimals)


@register.filter
def percent(value: float | None) -> str:
    return numbers.percent(value)


@register.filter
def consensus_label(value: str | None) -> str:
    return str(CONSENSUS.get(value or "", "–"))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """{{ results.items|get:item.pk|get:column.key }}"""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def get_mean(summary: Any) -> str:
    return number(getattr(summary, "mean", None))


@register.filter
def percent_share(value: float | None) -> str:
    return numbers.percent_share(value)


@register.inclusion_tag("presentation/_chart_downloads.html", takes_context=True)
def chart_downloads(context: Any, chart: Chart, url_name: str, *args: Any) -> dict[str, Any]:
    """{% chart_downloads radar "results_chart" organisation.uuid round.uuid radar.name %}: links to the chart as
    SVG, PNG and CSV (the URL's last argument, the format, is added). The page's query (?per=, ?groep=, ?basis=)
    goes along, so a download shows what the page shows."""
    request = context.get("request")
    query = request.GET.urlencode() if request is not None else ""
    suffix = f"?{query}" if query else ""
    formats = (("svg", "SVG"), ("png", "PNG"), ("csv", _("Data (CSV)")))
    return {"chart": chart, "links": [(label, reverse(url_name, args=[*args, fmt]) + suffix) for fmt, label in formats]}
