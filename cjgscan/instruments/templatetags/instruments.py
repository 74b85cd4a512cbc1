from typing import Any

from django import template

from cjgscan.instruments.i18n import tr as translate

register = template.Library()


@register.filter
def tr(text: Any) -> str:
    """{{ theme.title|tr }}: the text in the active language."""
    return translate(text)
