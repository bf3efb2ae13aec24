from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

SCRIPT = ["triage.add_triagescript", "triage.change_triagescript", "triage.view_triagescript"]
REVIEW = ["triage.change_triagescript", "triage.view_triagescript"]


def grant(apps, schema_editor):
    # Administrators write drafts; supervisors (made staff) approve them in the admin.
    grant_permissions(apps, "administrator", SCRIPT)
    grant_permissions(apps, "supervisor", REVIEW)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "administrator", SCRIPT)
    revoke_permissions(apps, "supervisor", REVIEW)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0005_intake_consent_v1"),
        ("accounts", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
