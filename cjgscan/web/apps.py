from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cjgscan.web"
    verbose_name = "Web"
