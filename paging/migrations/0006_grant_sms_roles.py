"""Administrators set up each team's SMS account and staff paging numbers in the admin.

Nobody else gets these: the numbers are staff contact data and the account holds a
secret, neither needed to read pages or notification attempts.
"""

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

ADMIN = [
    f"paging.{action}_{model}"
    for model in ("smsaccount", "pagingphone")
    for action in ("add", "change", "delete", "view")
]


def grant(apps, schema_editor):
    grant_permissions(apps, "administrator", ADMIN)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "administrator", ADMIN)


class Migration(migrations.Migration):
    dependencies = [("paging", "0005_sms_channel")]
    operations = [migrations.RunPython(grant, revoke)]
