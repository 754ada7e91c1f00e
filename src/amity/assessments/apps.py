from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


def _sync_instruments(sender, using="default", verbosity=1, **kwargs) -> None:
    """After ``migrate``: bring the instruments in line with the YAML files in the repository,
    then mirror the strategic reviews recorded before their instrument existed."""
    from django.db import connections

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "assessments_instrument" not in tables:
        return
    from .instruments import sync

    sync()
    if "alliances_strategicreview" not in tables:
        return
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "assessments_assessment")
        }
    if "review_id" not in columns:  # migrated to a target before the link to the review
        return
    from .strategic_review import backfill

    report = backfill()
    if verbosity >= 1 and (report.mirrored or report.skipped or report.missing):
        print(f"  {report}")


def _follow_review(sender, instance, raw=False, **kwargs) -> None:
    """A saved strategic review that is already mirrored: keep its wave in step."""
    if raw:  # loaddata: the fixture brings its own rows
        return
    from .strategic_review import follow_review

    follow_review(instance)


class AssessmentsConfig(AppConfig):
    name = "amity.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        post_migrate.connect(_sync_instruments, sender=self, dispatch_uid="amity-instruments-sync")
        post_save.connect(
            _follow_review, sender="alliances.StrategicReview", dispatch_uid="amity-strategic-review-mirror"
        )
