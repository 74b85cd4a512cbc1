"""The form renderer: every radio button, checkbox and select that Django renders gets the NL Design System classes.

Without `utrecht-radio-button--html-input` the Utrecht CSS hides the browser's own radio (appearance: none) and never
draws the dot of the checked one, so a chosen answer looks exactly like the others. Adding the classes here, in the
one place every form field passes through, means no form can forget them; the few inputs written by hand in
templates carry them literally (tests/test_choice_controls.py checks both).
"""

from typing import Any

from django.forms.renderers import DjangoTemplates

CLASSES_BY_INPUT_TYPE = {
    "radio": "utrecht-radio-button utrecht-radio-button--html-input",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
}
SELECT_CLASSES = "utrecht-select utrecht-select--html-select"


def add_classes(attrs: dict[str, Any], classes: str) -> None:
    present = str(attrs.get("class", "")).split()
    attrs["class"] = " ".join(present + [name for name in classes.split() if name not in present])


def add_choice_classes(widget: dict[str, Any]) -> None:
    """Add the classes to a widget's context: a single input, a select, or each option of a radio/checkbox list."""
    if "optgroups" not in widget:
        classes = CLASSES_BY_INPUT_TYPE.get(widget.get("type", ""))
        if classes:
            add_classes(widget["attrs"], classes)
        return
    # A list of choices: the classes go on each option's input, never on the <div> that wraps a radio list.
    if widget.get("template_name") == "django/forms/widgets/select.html":
        add_classes(widget["attrs"], SELECT_CLASSES)
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            option_classes = CLASSES_BY_INPUT_TYPE.get(option.get("type", ""))
            if option_classes:
                add_classes(option["attrs"], option_classes)


class UtrechtFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and "attrs" in widget:
            add_choice_classes(widget)
        return super().render(template_name, context, request)
