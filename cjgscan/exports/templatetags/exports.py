from typing import Any

from django import template

from cjgscan.exports.forms import ExportForm

register = template.Library()


@register.inclusion_tag("exports/_form.html", takes_context=True)
def export_form(context: dict[str, Any], form: ExportForm | None = None, heading: bool = True) -> dict[str, Any]:
    """The "Export" section of a round's pages: {% load exports %}{% export_form %}."""
    membership = context["membership"]
    return {
        "form": form or ExportForm(),
        "organisation": membership.organisation,
        "round": context["round"],
        "can_see_answers": membership.can_manage,
        "heading": heading,
        "csrf_token": context.get("csrf_token"),  # the administrators' form is a POST
    }
