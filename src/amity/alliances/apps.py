from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "amity.alliances"
    label = "alliances"
    verbose_name = "Alliances"
