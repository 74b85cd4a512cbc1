from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Instrument, InstrumentVersion, Theme
from cjgscan.rounds.models import Round
from cjgscan.workshops.models import (
    CODE_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    WISH_MAX_LENGTH,
    Workshop,
    normalise_code,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def dialogue_version() -> InstrumentVersion | None:
    """The newest version of the five pillars (or else of another dialogue instrument)."""
    versions = list(InstrumentVersion.objects.latest_per_instrument().filter(instrument__kind=Instrument.Kind.DIALOGUE))
    for version in versions:
        if version.instrument.slug == "vijf-pijlers":
            return version
    return versions[0] if versions else None


def _single_line(value: str) -> str:
    return " ".join(value.replace("\x00", "").split())


class WorkshopForm(forms.ModelForm):
    """A new session: title, day, votes, and which pillars and guiding questions of the instrument."""

    pillars = forms.MultipleChoiceField(
        label=_("Pillars"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Participants add development wishes per chosen pillar."),
    )
    questions = forms.MultipleChoiceField(
        label=_("Guiding questions"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Workshop
        fields = ["title", "held_on", "votes_per_participant"]
        widgets = {"held_on": DateInput()}
        help_texts = {
            "held_on": _("The participants' code works on this day and the day after, until the session ends."),
            "votes_per_participant": _("How many wishes each participant can vote for (1 to 20)."),
        }

    round = forms.ChoiceField(
        label=_("Start from a round"),
        required=False,
        help_text=_(
            "A closed round: its results open the session on the big screen, and you can add questions on its "
            "weakest keys and largest gaps."
        ),
    )

    def __init__(self, *args: Any, version: InstrumentVersion, rounds: Sequence[Round] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.rounds = {str(r.uuid): r for r in rounds}
        self.fields["round"].choices = [("", _("No round")), *((key, r.title) for key, r in self.rounds.items())]  # type: ignore[attr-defined]
        self.themes = list(version.themes.order_by("number").prefetch_related("items"))
        self.items = {item.code: item for theme in self.themes for item in theme.items.all()}
        self.fields["pillars"].choices = [(t.code, f"{t.number}. {tr(t.title)}") for t in self.themes]  # type: ignore[attr-defined]
        self.fields["questions"].choices = [(code, tr(item.text)) for code, item in self.items.items()]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("pillars", [t.code for t in self.themes])
            self.initial.setdefault("questions", list(self.items))

    def pillar_groups(self) -> list[dict[str, Any]]:
        """Per pillar: its checkbox and those of its questions, for the grouped layout of the form."""
        chosen_pillars = set(self["pillars"].value() or [])
        chosen_questions = set(self["questions"].value() or [])
        return [
            {
                "theme": theme,
                "checked": theme.code in chosen_pillars,
                "items": [(item, item.code in chosen_questions) for item in theme.items.all()],
            }
            for theme in self.themes
        ]

    def clean_title(self) -> str:
        return _single_line(self.cleaned_data["title"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_code = {theme.code: theme for theme in self.themes}
        data["pillar_objects"] = [by_code[code] for code in data.get("pillars", [])]
        data["item_objects"] = [self.items[code] for code in data.get("questions", [])]
        if not data["pillar_objects"] and not data["item_objects"]:
            raise forms.ValidationError(_("Choose at least one pillar or question."))
        return data

    def round_fields(self) -> dict[str, Any]:
        """The chosen round, and its first opening slide on the big screen; nothing without a round."""
        chosen = self.rounds.get(self.cleaned_data.get("round") or "")
        return {"round": chosen, "slide": 1} if chosen is not None else {}


class OwnQuestionForm(forms.Form):
    pillar = forms.ChoiceField(label=_("Pillar"))
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        error_messages={"required": _("Type the question.")},
    )

    def __init__(self, *args: Any, version: InstrumentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes = {theme.code: theme for theme in version.themes.order_by("number")}
        self.fields["pillar"].choices = [(t.code, f"{t.number}. {tr(t.title)}") for t in self.themes.values()]  # type: ignore[attr-defined]

    def clean_text(self) -> str:
        text = _single_line(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Type the question."))
        return text

    def clean_pillar(self) -> Theme:
        return self.themes[self.cleaned_data["pillar"]]


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six characters on the screen, for example ACD 479."),
        error_messages={"required": _("Type the code from the screen.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Any name you like; the facilitator sees it in the list of participants."),
        error_messages={"required": _("Fill in a name.")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("The code has six characters, for example ACD 479."))
        return code

    def clean_name(self) -> str:
        name = _single_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Fill in a name."))
        return name


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note; add as many as you like."),
        error_messages={"required": _("Type your answer.")},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Type your answer."))
        return text


class WishForm(forms.Form):
    pillar = forms.ChoiceField(label=_("Pillar"))
    text = forms.CharField(
        label=_("Development wish"),
        max_length=WISH_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Type your wish.")},
    )

    def __init__(self, *args: Any, pillars: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pillars = {theme.code: theme for theme in pillars}
        self.fields["pillar"].choices = [(t.code, f"{t.number}. {tr(t.title)}") for t in pillars]  # type: ignore[attr-defined]

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Type your wish."))
        return text

    def clean_pillar(self) -> Theme:
        return self.pillars[self.cleaned_data["pillar"]]


class QuestionWishForm(forms.Form):
    """A wish made under a question: its pillar is the question's. Its own prefix: the page has a note form too."""

    prefix = "wish"

    text = forms.CharField(
        label=_("Development wish on this question"),
        max_length=WISH_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Type your wish.")},
    )

    clean_text = WishForm.clean_text
