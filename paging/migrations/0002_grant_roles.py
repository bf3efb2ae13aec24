"""Administrators manage schedules, policies and webhooks in the admin; supervisors and
auditors can read pages and notification attempts there."""

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

CONFIG = [
    "oncallschedule",
    "rotationmember",
    "shiftoverride",
    "escalationpolicy",
    "escalationstep",
    "webhookendpoint",
]
RECORDS = ["page", "notification", "shiftconfirmation"]

ADMIN = [
    f"paging.{action}_{model}" for model in CONFIG for action in ("add", "change", "delete", "view")
]
ADMIN += [f"paging.view_{model}" for model in RECORDS]
READERS = [f"paging.view_{model}" for model in RECORDS + CONFIG]


def grant(apps, schema_editor):
    grant_permissions(apps, "administrator", ADMIN)
    grant_permissions(apps, "supervisor", READERS)
    grant_permissions(apps, "auditor", READERS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "administrator", ADMIN)
    revoke_permissions(apps, "supervisor", READERS)
    revoke_permissions(apps, "auditor", READERS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles"), ("paging", "0001_initial")]
    operations = [migrations.RunPython(grant, revoke)]
