from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "amity.agreements"
    label = "agreements"
    verbose_name = "Agreements"
