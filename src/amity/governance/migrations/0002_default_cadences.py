from django.db import migrations

from amity.governance.defaults import install


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
