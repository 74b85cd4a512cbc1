from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cjgscan.exports.tables import ANSWERS, FIGURES
from cjgscan.exports.writers import CSV, XLSX

# The Utrecht classes come from the form renderer (cjgscan/lib/forms.py).
RADIO = forms.RadioSelect()


class ExportForm(forms.Form):
    """What to download. Field names are the Dutch words of the download's URL (…/exporteren/?inhoud=cijfers)."""

    inhoud = forms.ChoiceField(
        label=_("Contents"),
        choices=[
            (FIGURES, _("Figures per characteristic and group (as on the dashboard)")),
            (ANSWERS, _("Anonymised answers (administrators only)")),
        ],
        initial=FIGURES,
        widget=RADIO,
    )
    formaat = forms.ChoiceField(
        label=_("File format"),
        choices=[(XLSX, _("Excel (XLSX)")), (CSV, _("CSV"))],
        initial=XLSX,
        widget=RADIO,
    )
    scheidingsteken = forms.ChoiceField(
        label=_("Separator (CSV only)"),
        choices=[
            (";", _("Semicolon ; with decimal comma (Dutch Excel)")),
            (",", _("Comma , with decimal point (English Excel, other programs)")),
        ],
        initial=";",
        required=False,
        widget=RADIO,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "export-%s")
        super().__init__(*args, **kwargs)

    def clean_scheidingsteken(self) -> str:
        return self.cleaned_data.get("scheidingsteken") or ";"
