from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_instruments(sender, using="default", **kwargs) -> None:
    """After ``migrate``: bring the instruments in line with the YAML files in the repository."""
    from django.db import connections

    if "assessments_instrument" not in connections[using].introspection.table_names():
        return
    from .instruments import sync

    sync()


class AssessmentsConfig(AppConfig):
    name = "amity.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        post_migrate.connect(_sync_instruments, sender=self, dispatch_uid="amity-instruments-sync")
