"""The words that stand for a figure's judgement, the same on the page, in the PDF report and in exports."""

from django.utils.translation import gettext_lazy as _

from cjgscan.analysis.trend import DOWN, SAME, UP

CONSENSUS = {"agree": _("agree"), "mixed": _("mixed"), "divided": _("divided")}
SYMBOLS = {UP: "▲", DOWN: "▼", SAME: "=", None: ""}
BANDS = {
    "bottom": _("bottom quarter"),
    "second": _("second quarter"),
    "third": _("third quarter"),
    "top": _("top quarter"),
}
