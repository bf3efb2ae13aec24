from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

# Clinicians and supervisors review and approve models (a clinical governance act);
# administrators load drafts. Activation and rollback need change permission.
REVIEW = [
    "triage.view_crisismodel",
    "triage.change_crisismodel",
    "triage.approve_crisismodel",
]
ADMINISTER = ["triage.view_crisismodel", "triage.add_crisismodel", "triage.change_crisismodel"]


def grant(apps, schema_editor):
    grant_permissions(apps, "clinician", REVIEW)
    grant_permissions(apps, "supervisor", REVIEW)
    grant_permissions(apps, "administrator", ADMINISTER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "clinician", REVIEW)
    revoke_permissions(apps, "supervisor", REVIEW)
    revoke_permissions(apps, "administrator", ADMINISTER)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0008_crisis_models"),
        ("accounts", "0004_nurses_override_triage"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
