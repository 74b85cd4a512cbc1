from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

register = template.Library()

CONSENSUS = {"agree": _("agree"), "mixed": _("mixed"), "divided": _("divided")}


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    """3,4 in Dutch, 3.4 in English; a dash when there is no figure."""
    return "–" if value is None else str(floatformat(value, decimals))


def signed(value: float | None) -> str:
    """A change with its sign: +0,4 / −0,4 (a real minus sign) / 0,0 when it rounds to nothing; a dash without one."""
    if value is None:
        return "–"
    shown = number(abs(value))
    if shown == number(0.0):
        return shown
    return ("+" if value > 0 else "−") + shown


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{floatformat(value, 0)}%"


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
    """A share 0…1 as a percentage."""
    return "–" if value is None else f"{floatformat(value * 100, 0)}%"
