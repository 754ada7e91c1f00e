from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "amity.partners"
    label = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        from amity.alliances.rules import FactProvider, register_facts

        from . import facts

        register_facts(FactProvider("certifications", facts.describe, facts.compute))
