"""Administrators and auditors can read conversations (metadata; message bodies only
with the read-PHI permission) and patient notice delivery state in the admin."""

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

READERS = ["messaging.view_conversation", "messaging.view_patientnotice"]


def grant(apps, schema_editor):
    grant_permissions(apps, "administrator", READERS)
    grant_permissions(apps, "auditor", READERS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "administrator", READERS)
    revoke_permissions(apps, "auditor", READERS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles"), ("messaging", "0001_conversation")]
    operations = [migrations.RunPython(grant, revoke)]
