from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "cjgscan.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from cjgscan.organisations import oidc  # noqa: F401  (registers its deploy check)
