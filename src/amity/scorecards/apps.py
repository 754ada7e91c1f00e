from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _default_kpis(sender, using="default", **kwargs) -> None:
    """After ``migrate``: create the default KPI definitions that do not exist yet."""
    from django.db import connections

    if "scorecards_kpi" not in connections[using].introspection.table_names():
        return
    from .kpis import ensure_defaults

    ensure_defaults()


class ScorecardsConfig(AppConfig):
    name = "amity.scorecards"
    label = "scorecards"
    verbose_name = "Scorecards"

    def ready(self) -> None:
        post_migrate.connect(_default_kpis, sender=self, dispatch_uid="amity-default-kpis")
        from amity.alliances.rules import FactProvider, register_facts

        from . import facts

        register_facts(FactProvider("scorecard", facts.describe, facts.compute))
