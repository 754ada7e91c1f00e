"""Expression indexes on external_ids[system] for the import's upsert lookups (see external_ids.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from amity.pipeline.external_ids import create_indexes

    create_indexes(schema_editor)


def backwards(apps, schema_editor):
    from amity.pipeline.external_ids import drop_indexes

    drop_indexes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0002_imports_mapping_leads")]

    operations = [migrations.RunPython(forwards, backwards)]
