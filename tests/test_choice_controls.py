"""Every radio, checkbox and select carries the NL Design System classes that make its state visible.

The browser test (tests/browser/test_choice_controls.py) looks at the pixels of the controls on the main pages;
this one covers every control: all that Django renders (through the form renderer) and all written in templates.
"""

import re
from pathlib import Path

from django import forms
from django.test import SimpleTestCase

PACKAGE = Path(__file__).resolve().parents[1] / "cjgscan"
RADIO = {"utrecht-radio-button", "utrecht-radio-button--html-input"}
CHECKBOX = {"utrecht-checkbox", "utrecht-checkbox--html-input"}
SELECT = {"utrecht-select", "utrecht-select--html-select"}
TAG = re.compile(r"<(input|select)\b[^>]*>", re.S)


def classes(tag: str) -> set[str]:
    found = re.search(r'class="([^"]*)"', tag)
    return set(found.group(1).split()) if found else set()


def needed(tag: str) -> set[str]:
    if tag.startswith("<select"):
        return SELECT
    kind = re.search(r'type="(\w+)"', tag)
    return {"radio": RADIO, "checkbox": CHECKBOX}.get(kind.group(1) if kind else "", set())


class EveryKind(forms.Form):
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect(attrs={"class": "x"}))
    checkboxes = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    checkbox = forms.BooleanField()
    select = forms.ChoiceField(choices=[("a", "A")])
    select_multiple = forms.MultipleChoiceField(choices=[("a", "A")])
    yes_no = forms.NullBooleanField()


class ChoiceControlClassesTest(SimpleTestCase):
    def test_django_renders_every_kind_of_choice_with_the_classes(self) -> None:
        form = EveryKind()
        html = str(form) + "".join(choice.tag() for name in ("radio", "checkboxes") for choice in form[name])
        # In the form: 2 radios, 1 checkbox in the list, 1 checkbox, 3 selects; then the 3 options rendered alone.
        self.assertEqual(len(TAG.findall(html)), 2 + 1 + 1 + 3 + 3)
        for match in TAG.finditer(html):
            tag = match.group(0)
            self.assertLessEqual(needed(tag), classes(tag), tag)
        # The class of the widget itself stays, and the <div> around a radio list is not drawn as a radio.
        self.assertIn('class="x utrecht-radio-button utrecht-radio-button--html-input"', html)
        self.assertIn('<div id="id_radio" class="x">', html)

    def test_every_choice_written_in_a_template_has_the_classes(self) -> None:
        seen = 0
        for path in PACKAGE.rglob("templates/**/*.html"):
            for match in TAG.finditer(path.read_text()):
                tag = match.group(0)
                if needed(tag):
                    seen += 1
                    self.assertLessEqual(needed(tag), classes(tag), f"{path.relative_to(PACKAGE)}: {tag}")
        self.assertGreaterEqual(seen, 10)
