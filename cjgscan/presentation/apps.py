from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresentationConfig(AppConfig):
    """No models: the charts, tables and words that the results pages, the PDF report and the exports share."""

    name = "cjgscan.presentation"
    verbose_name = _("Presentation of results")
