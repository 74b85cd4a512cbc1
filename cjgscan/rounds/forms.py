import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cjgscan.instruments.models import Instrument, InstrumentVersion
from cjgscan.rounds.models import MIN_GROUP_SIZE_FLOOR, Round, default_groups

SCALE_CHOICES = [
    ("presence", _("Degree of presence (4 points)")),
    ("agreement", _("Degree of agreement (5 points)")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def clean_group_names(names: list[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > 100:
            raise forms.ValidationError(_("A group name can be at most 100 characters."))
        if name.casefold() in (n.casefold() for n in cleaned):
            raise forms.ValidationError(_("The group “%(name)s” is listed twice.") % {"name": name})
        cleaned.append(name)
    return cleaned


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_title} ({_('version')} {obj.number})"


class RoundForm(forms.ModelForm):
    version = VersionChoiceField(
        label=_("Instrument"),
        queryset=InstrumentVersion.objects.none(),
        empty_label=None,
        help_text=_("The newest version of each scan instrument."),
    )
    scale_code = forms.ChoiceField(label=_("Answer scale"), choices=SCALE_CHOICES, initial="presence")
    groups = forms.MultipleChoiceField(
        label=_("Respondent groups"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("You can rename, add and remove groups until the first answers come in."),
    )
    extra_groups = forms.CharField(
        label=_("Other groups"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One group per line."),
    )

    class Meta:
        model = Round
        fields = ["title", "opens_on", "closes_on", "ask_profession", "ask_importance", "min_group_size"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}
        help_texts = {
            "min_group_size": _("Results of a smaller group are never shown. At least 3; 5 is advised."),
            "ask_profession": _("Respondents choose their professional group from the list of the instrument."),
            "ask_importance": _("Respondents also rate how important each key is to them."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = cast(forms.ModelChoiceField, self.fields["version"])
        version.queryset = InstrumentVersion.objects.latest_per_instrument().filter(
            instrument__kind=Instrument.Kind.SCAN
        )
        choices = default_groups()
        cast(forms.MultipleChoiceField, self.fields["groups"]).choices = [(name, name) for name, _chosen in choices]
        self.fields["groups"].initial = [name for name, chosen in choices if chosen]
        if not self.is_bound and not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("opens_on", today)
            self.initial.setdefault("closes_on", today + datetime.timedelta(days=28))
        self.fields["min_group_size"].widget.attrs["min"] = MIN_GROUP_SIZE_FLOOR

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        version = data.get("version")
        if version and data.get("scale_code"):
            scale = version.scales.filter(code=data["scale_code"]).first()
            if scale is None:
                self.add_error("scale_code", _("This instrument does not have this answer scale."))
            data["scale"] = scale
        try:
            names = clean_group_names(list(data.get("groups", [])) + data.get("extra_groups", "").splitlines())
        except forms.ValidationError as error:
            self.add_error("extra_groups", error)
        else:
            if not names:
                self.add_error("groups", _("Choose at least one respondent group."))
            data["group_names"] = names
        return data


class RoundEditForm(forms.ModelForm):
    """Title, dates and reporting threshold may change any time; what respondents see not after answers."""

    class Meta:
        model = Round
        fields = ["title", "opens_on", "closes_on", "ask_profession", "ask_importance", "min_group_size"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.has_responses():
            for name in ("opens_on", "ask_profession", "ask_importance"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Cannot change after the first answers.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        return data


class GroupRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)


class GroupAddForm(forms.Form):
    name = forms.CharField(label=_("New group"), max_length=100)


class ReopenForm(forms.Form):
    closes_on = forms.DateField(label=_("New closing date"), widget=DateInput())

    def clean_closes_on(self) -> datetime.date:
        closes_on: datetime.date = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise forms.ValidationError(_("The closing date cannot be in the past."))
        return closes_on
