from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "amity.partners"
    label = "partners"
    verbose_name = "Partners"
