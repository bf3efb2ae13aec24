"""Create the five roles (groups) and grant each its permissions.

The matrix is copied here on purpose: a migration records what was granted at this
point in history; later changes to the matrix go in new migrations.
"""

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

_CLINICAL = ["accounts.read_phi", "accounts.work_cases"]
_CLINICIAN = [
    *_CLINICAL,
    "accounts.override_triage",
    "accounts.confirm_override",
    "accounts.break_glass",
]


def _model_perms(model: str, actions=("add", "change", "delete", "view")) -> list[str]:
    app_label, name = model.split(".")
    return [f"{app_label}.{action}_{name}" for action in actions]


MATRIX = {
    "nurse": _CLINICAL,
    "clinician": _CLINICIAN,
    "supervisor": [
        *_CLINICIAN,
        "accounts.manage_oncall",
        "accounts.view_reports",
        # Approving a triage script is a clinical governance act, not configuration.
        "accounts.approve_triage_script",
    ],
    "administrator": [
        "accounts.manage_users",
        "accounts.edit_triage_script",
        "accounts.manage_oncall",
        *_model_perms("accounts.user"),
        *_model_perms("accounts.team"),
        *_model_perms("accounts.teammembership"),
        *_model_perms("auth.group"),
        # Failures and lockouts are visible; deleting an attempt unlocks (django-axes).
        *_model_perms("axes.accessattempt", ("view", "delete")),
        *_model_perms("axes.accessfailurelog", ("view",)),
        *_model_perms("axes.accesslog", ("view",)),
        # Deleting a device is how an MFA reset works.
        *_model_perms("otp_totp.totpdevice", ("view", "delete")),
        *_model_perms("otp_static.staticdevice", ("view", "delete")),
    ],
    "auditor": [
        "accounts.read_audit_trail",
        # Who changed which account, role or setting in the admin (django-auditlog).
        "auditlog.view_logentry",
    ],
}


def create_roles(apps, schema_editor):
    for role, permissions in MATRIX.items():
        grant_permissions(apps, role, permissions)


def remove_roles(apps, schema_editor):
    for role, permissions in MATRIX.items():
        revoke_permissions(apps, role, permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_access_policy"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
