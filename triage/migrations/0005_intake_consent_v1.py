"""Consent text version 1 (English, Spanish), published; admin permissions for it."""

from django.db import migrations
from django.utils import timezone

from accounts.roles import grant_permissions, revoke_permissions

from triage.migrations._intake_consent_v1 import CONSENT_V1

ADMIN_PERMISSIONS = [
    "triage.add_consentdocument",
    "triage.change_consentdocument",
    "triage.view_consentdocument",
    "triage.view_consent",
    "triage.view_intake",
]


def publish_v1(apps, schema_editor):
    ConsentDocument = apps.get_model("triage", "ConsentDocument")
    now = timezone.now()
    for language, text in CONSENT_V1.items():
        if ConsentDocument.objects.filter(language=language).exists():
            continue  # the clinic already wrote its own text
        ConsentDocument.objects.create(
            language=language,
            version=1,
            title=text["title"],
            body=text["body"],
            status="published",
            published_at=now,
        )
    grant_permissions(apps, "administrator", ADMIN_PERMISSIONS)


def unpublish_v1(apps, schema_editor):
    revoke_permissions(apps, "administrator", ADMIN_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_roles"),
        ("triage", "0004_break_glass_access"),
    ]

    operations = [migrations.RunPython(publish_v1, unpublish_v1)]
