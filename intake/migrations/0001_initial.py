"""Consent and intakes move out of the triage app; their tables keep their names (issue 19)."""

from django.conf import settings
from django.db import migrations
from django.db import models

from lib.content_types import relabel_content_types
import django.db.models.deletion
import intake.models.intake
import lib.fields
import uuid


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0005_access_change_request"),
        ("triage", "0009_crisis_model_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already (created by the triage app's migrations): only
        # Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConsentDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "language",
                            models.CharField(
                                choices=[("en", "English"), ("es", "Spanish")],
                                max_length=8,
                                verbose_name="language",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(verbose_name="version")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "body",
                            models.TextField(
                                help_text="Plain words. Shown to patients as written.",
                                verbose_name="body",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("published", "Published"),
                                    ("superseded", "Superseded"),
                                ],
                                default="draft",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "triage_consentdocument",
                        "ordering": ["language", "-version"],
                    },
                ),
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("document_version", models.PositiveIntegerField()),
                        ("document_hash", models.CharField(max_length=64)),
                        (
                            "language",
                            models.CharField(
                                choices=[("en", "English"), ("es", "Spanish")], max_length=8
                            ),
                        ),
                        (
                            "method",
                            models.CharField(
                                choices=[("web_checkbox", "Web form checkbox")],
                                default="web_checkbox",
                                max_length=20,
                            ),
                        ),
                        ("given_at", models.DateTimeField()),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="intake.consentdocument",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "triage_consent",
                    },
                ),
                migrations.CreateModel(
                    name="Intake",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(
                                default=intake.models.intake.new_reference,
                                editable=False,
                                max_length=9,
                                unique=True,
                            ),
                        ),
                        (
                            "language",
                            models.CharField(
                                choices=[("en", "English"), ("es", "Spanish")], max_length=8
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "In progress"),
                                    ("submitted", "Submitted"),
                                    ("withdrawn", "Consent withdrawn"),
                                ],
                                default="draft",
                                max_length=12,
                            ),
                        ),
                        ("step", models.PositiveSmallIntegerField(default=1)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("submitted_at", models.DateTimeField(blank=True, null=True)),
                        ("full_name", lib.fields.EncryptedTextField(blank=True, default="")),
                        ("date_of_birth", lib.fields.EncryptedTextField(blank=True, default="")),
                        ("phone", lib.fields.EncryptedTextField(blank=True, default="")),
                        ("email", lib.fields.EncryptedTextField(blank=True, default="")),
                        ("reason", lib.fields.EncryptedTextField(blank=True, default="")),
                        ("answers", lib.fields.EncryptedJSONField(blank=True, null=True)),
                        ("phone_index", models.CharField(blank=True, db_index=True, max_length=64)),
                        ("email_index", models.CharField(blank=True, db_index=True, max_length=64)),
                        (
                            "preferred_contact",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("phone", "Phone call"),
                                    ("text", "Text message"),
                                    ("email", "E-mail"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("voicemail_ok", models.BooleanField(null=True)),
                        ("age_band", models.CharField(blank=True, max_length=16)),
                        ("gender", models.CharField(blank=True, max_length=32)),
                        ("preferred_language", models.CharField(blank=True, max_length=32)),
                        (
                            "status_token_hash",
                            models.CharField(blank=True, db_index=True, max_length=64),
                        ),
                        ("status_token_expires_at", models.DateTimeField(blank=True, null=True)),
                        ("status_token_revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "consent",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="intake",
                                to="intake.consent",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="intakes",
                                to="accounts.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "triage_intake",
                    },
                ),
                migrations.AddConstraint(
                    model_name="consentdocument",
                    constraint=models.UniqueConstraint(
                        fields=("language", "version"), name="unique_consent_version"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="consentdocument",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "published")),
                        fields=("language",),
                        name="one_published_consent_per_language",
                    ),
                ),
                migrations.AddIndex(
                    model_name="intake",
                    index=models.Index(
                        fields=["status", "created_at"], name="intake_status_created"
                    ),
                ),
            ],
        ),
        relabel_content_types("triage", "intake", ["consent", "consentdocument", "intake"]),
    ]
