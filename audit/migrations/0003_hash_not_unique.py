from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # SQLite rebuilt the table for the AlterField above, dropping its triggers.
    from audit import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accessevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
