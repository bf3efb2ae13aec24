from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`manage.py demo`: the console with demo data on the embedded default."""

    name = "demo"
    verbose_name = "Demo"
