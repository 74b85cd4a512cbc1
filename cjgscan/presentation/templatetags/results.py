from typing import Any

from django import template

from cjgscan.lib import numbers
from cjgscan.lib.numbers import signed
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
