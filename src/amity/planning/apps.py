from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "amity.planning"
    label = "planning"
    verbose_name = "Planning"
