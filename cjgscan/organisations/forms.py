from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cjgscan.organisations.branding import LOGO_MAX_BYTES, clean_colour, sanitise_logo
from cjgscan.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A PNG or JPEG file of at most 512 KB; it is shown in the header, at most 3 lines of text high."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "municipality", "region", "colour", "benchmark_opt_in"]
        help_texts = {
            "colour": _(
                "A hex code such as #1d4f91, used for the header and accents. White text must stay readable on it "
                "(contrast at least 4.5:1). Leave empty for the standard colour."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logo_png: tuple[bytes, int, int] | None = None

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        return name

    def clean_colour(self) -> str:
        return clean_colour(self.cleaned_data.get("colour") or "")

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if upload:
            # One byte past the limit is enough to refuse a larger file without reading all of it.
            self.logo_png = sanitise_logo(upload.read(LOGO_MAX_BYTES + 1))
        return upload
