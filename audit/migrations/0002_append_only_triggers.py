"""Triggers that refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) on the audit
tables and on django-auditlog's entries. See audit/triggers.py for the SQL."""

from django.db import migrations


def install(apps, schema_editor):
    from audit import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from audit import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        # auditlog_logentry must exist, in its final shape, before it is protected.
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
