"""Administrators edit the clinic facts (hours, address, phone, holidays) in the admin."""

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

EDITORS = [
    f"messaging.{action}_{model}"
    for model in ("clinicprofile", "clinicholiday")
    for action in ("view", "add", "change", "delete")
]


def grant(apps, schema_editor):
    grant_permissions(apps, "administrator", EDITORS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "administrator", EDITORS)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0004_callback_requests_and_clinic_facts")]
    operations = [migrations.RunPython(grant, revoke)]
