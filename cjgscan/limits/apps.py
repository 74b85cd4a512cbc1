from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "cjgscan.limits"
    verbose_name = "Limits"
