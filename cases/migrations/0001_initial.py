"""Cases move out of the triage app; their tables keep their names (issue 19)."""

from django.conf import settings
from django.db import migrations
from django.db import models

from lib.content_types import relabel_content_types
import django.db.models.deletion
import lib.fields
import uuid


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0005_access_change_request"),
        ("intake", "0001_initial"),
        ("triage", "0009_crisis_model_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already (created by the triage app's migrations): only
        # Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseEvent",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("intake_submitted", "Intake submitted"),
                                    ("triaged", "Triaged"),
                                    ("signal", "Crisis signal"),
                                    ("page", "Page"),
                                    ("claimed", "Claimed"),
                                    ("released", "Released"),
                                    ("note", "Note"),
                                    ("contact_attempt", "Contact attempt"),
                                    ("override", "Acuity override"),
                                    ("signal_review", "Signal review"),
                                    ("message", "Message"),
                                    ("disposition", "Disposition"),
                                    ("consent_withdrawn", "Consent withdrawn"),
                                    ("flagged", "Released after missing its target"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "summary",
                            models.CharField(help_text="No PHI: shown in lists.", max_length=200),
                        ),
                        ("body", lib.fields.EncryptedTextField(blank=True, default="")),
                        ("data", models.JSONField(blank=True, default=dict)),
                    ],
                    options={
                        "db_table": "triage_caseevent",
                        "ordering": ["created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="CrisisScan",
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
                            "source",
                            models.CharField(
                                choices=[
                                    ("intake", "Intake free text"),
                                    ("message", "Patient message"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("source_id", models.CharField(max_length=64)),
                        ("scan", models.CharField(max_length=16)),
                        ("lexicon_rule_ids", models.JSONField(default=list)),
                        ("model_version", models.CharField(blank=True, max_length=40)),
                        ("model_probability", models.FloatField(blank=True, null=True)),
                        ("model_threshold", models.FloatField(blank=True, null=True)),
                        ("crisis", models.BooleanField()),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "db_table": "triage_crisisscan",
                        "ordering": ["created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="CrisisSignal",
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
                            "source",
                            models.CharField(
                                choices=[
                                    ("intake_text", "Intake free text"),
                                    ("screener", "Screener answer"),
                                    ("message", "Patient message"),
                                    ("staff", "Recorded by staff (missed by the engine)"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("source_id", models.CharField(blank=True, max_length=64)),
                        ("category", models.CharField(max_length=32)),
                        ("subtype", models.CharField(blank=True, max_length=32)),
                        ("severity", models.CharField(max_length=16)),
                        ("subject", models.CharField(default="self", max_length=16)),
                        ("rule_id", models.CharField(max_length=80)),
                        ("script_version", models.CharField(blank=True, max_length=40)),
                        ("span_start", models.PositiveIntegerField(blank=True, null=True)),
                        ("span_end", models.PositiveIntegerField(blank=True, null=True)),
                        ("matched", lib.fields.EncryptedTextField(blank=True, default="")),
                        (
                            "review",
                            models.CharField(
                                choices=[
                                    ("unreviewed", "Not reviewed"),
                                    ("true_positive", "True positive"),
                                    ("false_positive", "False positive"),
                                ],
                                default="unreviewed",
                                max_length=16,
                            ),
                        ),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "triage_crisissignal",
                        "ordering": ["created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="TriageResult",
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
                        ("script_version", models.CharField(max_length=40)),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("intake", "Inline, at submission"),
                                    ("scan", "Scan of record (worker)"),
                                    ("message", "Patient message scan"),
                                ],
                                max_length=8,
                            ),
                        ),
                        (
                            "acuity",
                            models.CharField(
                                choices=[
                                    ("emergent", "Emergent"),
                                    ("urgent", "Urgent"),
                                    ("soon", "Soon"),
                                    ("routine", "Routine"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("crisis", models.BooleanField(default=False)),
                        ("reasons", lib.fields.EncryptedJSONField()),
                        ("screeners", lib.fields.EncryptedJSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "triage_triageresult",
                        "ordering": ["created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="AcuityOverride",
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
                            "from_acuity",
                            models.CharField(
                                choices=[
                                    ("emergent", "Emergent"),
                                    ("urgent", "Urgent"),
                                    ("soon", "Soon"),
                                    ("routine", "Routine"),
                                ],
                                max_length=8,
                            ),
                        ),
                        (
                            "to_acuity",
                            models.CharField(
                                choices=[
                                    ("emergent", "Emergent"),
                                    ("urgent", "Urgent"),
                                    ("soon", "Soon"),
                                    ("routine", "Routine"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("clear_crisis", models.BooleanField(default=False)),
                        ("reason", lib.fields.EncryptedTextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting a second clinician"),
                                    ("applied", "Applied"),
                                    ("rejected", "Rejected"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "triage_acuityoverride",
                        "ordering": ["created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="BreakGlassAccess",
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
                        ("reason", lib.fields.EncryptedTextField()),
                        ("granted_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField()),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "break-glass accesses",
                        "db_table": "triage_breakglassaccess",
                        "ordering": ["-granted_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Case",
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
                        ("reference", models.CharField(max_length=9, unique=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("claimed", "Claimed"),
                                    ("closed", "Closed"),
                                ],
                                default="open",
                                max_length=8,
                            ),
                        ),
                        (
                            "acuity",
                            models.CharField(
                                choices=[
                                    ("emergent", "Emergent"),
                                    ("urgent", "Urgent"),
                                    ("soon", "Soon"),
                                    ("routine", "Routine"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("acuity_rank", models.PositiveSmallIntegerField()),
                        (
                            "triage_acuity",
                            models.CharField(
                                choices=[
                                    ("emergent", "Emergent"),
                                    ("urgent", "Urgent"),
                                    ("soon", "Soon"),
                                    ("routine", "Routine"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("crisis", models.BooleanField(default=False)),
                        ("needs_follow_up", models.BooleanField(default=False)),
                        (
                            "flagged",
                            models.BooleanField(
                                default=False,
                                help_text="Released after missing its target without a contact attempt.",
                            ),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("opened_at", models.DateTimeField()),
                        (
                            "due_at",
                            models.DateTimeField(
                                help_text="When the acuity's response target is reached."
                            ),
                        ),
                        ("last_contact_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "disposition",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("appointment_booked", "Appointment booked"),
                                    ("referred_out", "Referred out"),
                                    ("emergency_services", "Emergency services contacted"),
                                    ("unable_to_reach", "Unable to reach"),
                                    ("closed", "Closed"),
                                    ("consent_withdrawn", "Consent withdrawn"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "claimed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="claimed_cases",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "triage_case",
                    },
                ),
                migrations.AddField(
                    model_name="case",
                    name="intake",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="case",
                        to="intake.intake",
                    ),
                ),
                migrations.AddField(
                    model_name="case",
                    name="team",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="accounts.team",
                    ),
                ),
                migrations.AddField(
                    model_name="breakglassaccess",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="break_glass",
                        to="cases.case",
                    ),
                ),
                migrations.AddField(
                    model_name="acuityoverride",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="overrides",
                        to="cases.case",
                    ),
                ),
                migrations.AddField(
                    model_name="caseevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="cases.case",
                    ),
                ),
                migrations.AddField(
                    model_name="crisisscan",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="crisis_scans",
                        to="cases.case",
                    ),
                ),
                migrations.AddField(
                    model_name="crisissignal",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signals",
                        to="cases.case",
                    ),
                ),
                migrations.AddField(
                    model_name="crisissignal",
                    name="reviewed_by",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddField(
                    model_name="triageresult",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="triage_results",
                        to="cases.case",
                    ),
                ),
                migrations.AddField(
                    model_name="triageresult",
                    name="script",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="triage.triagescript",
                    ),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(
                        fields=["team", "status", "acuity_rank", "opened_at"], name="case_queue"
                    ),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["status", "due_at"], name="case_due"),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "claimed"), _negated=True),
                            ("claimed_by__isnull", False),
                            _connector="OR",
                        ),
                        name="claimed_case_has_claimer",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "closed"), _negated=True),
                            models.Q(("disposition", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="closed_case_has_disposition",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="acuityoverride",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("confirmed_by", models.F("requested_by")), _negated=True
                        ),
                        name="override_confirmed_by_someone_else",
                    ),
                ),
                migrations.AddIndex(
                    model_name="crisisscan",
                    index=models.Index(
                        fields=["case", "source"], name="triage_cris_case_id_aca202_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="crisissignal",
                    constraint=models.UniqueConstraint(
                        fields=("case", "source", "source_id", "rule_id", "span_start"),
                        name="unique_signal_per_span",
                    ),
                ),
            ],
        ),
        relabel_content_types(
            "triage",
            "cases",
            [
                "case",
                "triageresult",
                "crisissignal",
                "caseevent",
                "acuityoverride",
                "breakglassaccess",
                "crisisscan",
            ],
        ),
    ]
