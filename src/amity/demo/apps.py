from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: Halcyon Data's alliance portfolio (``amity demo``)."""

    name = "amity.demo"
    label = "demo"
    verbose_name = "Demo data"
