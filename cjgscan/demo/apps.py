from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cjgscan.demo"
    label = "demo"
