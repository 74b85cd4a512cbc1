from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cjgscan.api.models import ApiToken
from cjgscan.organisations.models import Membership

ALL_ORGANISATIONS = ""


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “Power BI dashboard”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_("Read and write lets the key change the action plan, if your role allows it."),
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        help_text=_("The key only reaches this organisation, or all organisations you are a member of."),
    )

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(m.organisation.uuid): m.organisation for m in memberships}
        choices = [(ALL_ORGANISATIONS, str(_("All my organisations")))]
        choices += [(key, org.name) for key, org in self.organisations.items()]
        cast(forms.ChoiceField, self.fields["organisation"]).choices = choices

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the key a name."))
        return name

    def clean_organisation(self) -> Any:
        chosen = self.cleaned_data["organisation"]
        return self.organisations.get(chosen) if chosen else None
