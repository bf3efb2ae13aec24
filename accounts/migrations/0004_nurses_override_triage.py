from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions


def grant(apps, schema_editor):
    # The design card: nurses override the triage with a reason. Lowering an emergent or
    # urgent acuity still needs a clinician's confirmation (confirm_override).
    grant_permissions(apps, "nurse", ["accounts.override_triage"])


def revoke(apps, schema_editor):
    revoke_permissions(apps, "nurse", ["accounts.override_triage"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles")]

    operations = [migrations.RunPython(grant, revoke)]
