import datetime
import decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cjgscan.development.models import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH, REASONING_MAX_LENGTH, Action
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Theme
from cjgscan.rounds.forms import DateInput
from cjgscan.rounds.models import Round

Choices = list[tuple[Any, Any]]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email or obj.get_username()


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.opens_on:%d-%m-%Y})"


def code_choices(themes: list[Theme]) -> tuple[Choices, Choices, dict[str, str]]:
    """Key and characteristic choices by stable code, grouped for the select; item code -> key code."""
    key_choices: Choices = [("", _("No key"))]
    item_choices: Choices = [("", _("No characteristic"))]
    key_of: dict[str, str] = {}
    seen: set[str] = set()
    for theme in themes:
        if theme.code in seen:
            continue
        seen.add(theme.code)
        key_choices.append((theme.code, f"{theme.code} {tr(theme.title)}"))
        items = [(item.code, f"{item.code} {tr(item.text)}") for item in theme.items.all()]
        if items:
            item_choices.append((f"{theme.code} {tr(theme.title)}", items))
        key_of |= {item.code: theme.code for item in theme.items.all()}
    return key_choices, item_choices, key_of


class ActionForm(forms.ModelForm):
    owner = MemberChoiceField(
        label=_("Owner (member)"),
        queryset=None,
        required=False,
        empty_label=_("Nobody chosen"),
        help_text=_("A member of the organisation, or fill in a name below."),
    )
    round = RoundChoiceField(
        label=_("Round"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("No round"),
        help_text=_("The round whose results led to this action; the check compares it with a later round."),
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "theme_code",
            "item_code",
            "round",
            "owner",
            "owner_name",
            "starts_on",
            "due_on",
            "phase",
            "source",
        ]
        widgets = {
            "source": forms.HiddenInput(),
            "starts_on": DateInput(),
            "due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"owner_name": _("Owner (other person)")}
        help_texts = {"owner_name": _("Someone who is not a member, e.g. “Team JGZ” or a partner.")}

    def __init__(self, *args: Any, members: Any, rounds: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        key_choices, item_choices, self.key_of = code_choices(themes)
        current = self.instance if self.instance.pk else None
        if current is not None and current.theme_code and current.theme_code not in dict(key_choices):
            key_choices.append((current.theme_code, current.theme_code))
        if current is not None and current.item_code and current.item_code not in self.key_of:
            item_choices.append((current.item_code, current.item_code))
            self.key_of[current.item_code] = current.theme_code
        self.fields["theme_code"] = forms.ChoiceField(
            label=_("Key"), choices=key_choices, required=False, initial=self.initial.get("theme_code", "")
        )
        self.fields["item_code"] = forms.ChoiceField(
            label=_("Characteristic"),
            choices=item_choices,
            required=False,
            help_text=_("Choosing a characteristic also links its key."),
        )
        self.fields["title"].error_messages["required"] = _("Give the action a title.")
        self.fields["title"].error_messages["max_length"] = _("The title can be at most 200 characters.")
        self.fields["description"].error_messages["max_length"] = _(
            "The description can be at most %(max)s characters."
        ) % {"max": DESCRIPTION_MAX_LENGTH}
        self.fields["description"].max_length = DESCRIPTION_MAX_LENGTH  # type: ignore[attr-defined]
        self.fields["description"].widget.attrs["maxlength"] = str(DESCRIPTION_MAX_LENGTH)

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Give the action a title."))
        return title

    def clean_owner_name(self) -> str:
        return " ".join(self.cleaned_data["owner_name"].split())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        item_code = data.get("item_code") or ""
        theme_code = data.get("theme_code") or ""
        if item_code:
            item_key = self.key_of.get(item_code, "")
            if theme_code and item_key and theme_code != item_key:
                self.add_error(
                    "item_code",
                    _("Characteristic %(item)s belongs to key %(key)s, not to %(chosen)s.")
                    % {"item": item_code, "key": item_key, "chosen": theme_code},
                )
            elif item_key:
                data["theme_code"] = item_key
        if data.get("owner") and data.get("owner_name"):
            self.add_error("owner_name", _("Choose a member or fill in a name, not both."))
        starts_on: datetime.date | None = data.get("starts_on")
        due_on: datetime.date | None = data.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("The due date cannot be before the start date."))
        return data


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Action.Phase.choices)


class NoteForm(forms.Form):
    noted_on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write something in the note."),
            "max_length": _("A note can be at most %(limit_value)d characters."),
        },
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write something in the note."))
        return text


def parse_score(raw: str) -> decimal.Decimal | None:
    """'3,5' (Dutch) or '3.5'; None when empty. Raises ValueError on anything else."""
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = decimal.Decimal(raw)
    except decimal.InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


class AgreedScoreForm(forms.Form):
    """One key's agreed score; empty score and reasoning together mean: no agreed score (yet)."""

    score = forms.CharField(label=_("Agreed score"), required=False, max_length=10)
    reasoning = forms.CharField(
        label=_("Reasoning"),
        required=False,
        max_length=REASONING_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("The reasoning can be at most %(limit_value)d characters.")},
    )

    def __init__(self, *args: Any, points: int, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        self.theme = theme
        self.fields["score"].widget.attrs.update({"inputmode": "decimal", "size": "5"})
        self.fields["score"].help_text = _("From 1 to %(points)s, at most one decimal, e.g. 2,5.") % {"points": points}

    def clean_score(self) -> decimal.Decimal | None:
        try:
            value = parse_score(self.cleaned_data["score"])
        except ValueError:
            raise forms.ValidationError(_("Enter a number, such as 3 or 2,5.")) from None
        if value is None:
            return None
        if value != value.quantize(decimal.Decimal("0.1")):
            raise forms.ValidationError(_("Use at most one decimal, such as 2,5."))
        if not 1 <= value <= self.points:
            raise forms.ValidationError(
                _("The score must lie between 1 and %(points)s (the round's scale).") % {"points": self.points}
            )
        return value

    def clean_reasoning(self) -> str:
        return self.cleaned_data["reasoning"].strip()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("score") is not None and not data.get("reasoning") and "reasoning" not in self.errors:
            self.add_error("reasoning", _("Explain how the team arrived at this score."))
        if data.get("reasoning") and data.get("score") is None and "score" not in self.errors:
            self.add_error("score", _("Fill in the agreed score, or clear the reasoning."))
        return data
