from django.db import migrations

from amity.alliances.defaults import install


class Migration(migrations.Migration):
    dependencies = [("alliances", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
