"""A case and what happens to it: triage results, crisis signals and scans, events,
overrides and break-glass access.

The tables keep the names they had when these models lived in the triage app
(``db_table``): renaming them would buy nothing and would rewrite audit history.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedJSONField, EncryptedTextField
from triage.models.choices import Acuity


class Case(models.Model):
    """The unit of work in the queue: one per submitted intake."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        CLOSED = "closed", _("Closed")

    class Disposition(models.TextChoices):
        APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
        REFERRED_OUT = "referred_out", _("Referred out")
        EMERGENCY_SERVICES = "emergency_services", _("Emergency services contacted")
        UNABLE_TO_REACH = "unable_to_reach", _("Unable to reach")
        CLOSED = "closed", _("Closed")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intake = models.OneToOneField("intake.Intake", on_delete=models.PROTECT, related_name="case")
    reference = models.CharField(max_length=9, unique=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    acuity = models.CharField(max_length=8, choices=Acuity.choices)
    # 0 = emergent ... 3 = routine, kept in step with acuity so the queue sorts in SQL.
    acuity_rank = models.PositiveSmallIntegerField()
    triage_acuity = models.CharField(max_length=8, choices=Acuity.choices)
    crisis = models.BooleanField(default=False)
    needs_follow_up = models.BooleanField(default=False)
    flagged = models.BooleanField(
        default=False, help_text=_("Released after missing its target without a contact attempt.")
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_cases",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text=_("When the acuity's response target is reached."))
    last_contact_attempt_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)

    class Meta:
        db_table = "triage_case"
        indexes = [
            models.Index(fields=["team", "status", "acuity_rank", "opened_at"], name="case_queue"),
            models.Index(fields=["status", "due_at"], name="case_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="claimed") | models.Q(claimed_by__isnull=False),
                name="claimed_case_has_claimer",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(disposition=""),
                name="closed_case_has_disposition",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.reference}"


class TriageResult(models.Model):
    """One run of the engine on a case, with the script version that made it."""

    class Source(models.TextChoices):
        INTAKE = "intake", _("Inline, at submission")
        SCAN_OF_RECORD = "scan", _("Scan of record (worker)")
        MESSAGE = "message", _("Patient message scan")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triage_results")
    # Null only when no approved script was active and the shipped default was used:
    # a patient is never turned away because configuration is missing.
    script = models.ForeignKey(
        "triage.TriageScript", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    script_version = models.CharField(max_length=40)
    source = models.CharField(max_length=8, choices=Source.choices)
    acuity = models.CharField(max_length=8, choices=Acuity.choices)
    crisis = models.BooleanField(default=False)
    # Rule ids and nurse-readable reasons; they can quote answers, so they are sealed.
    reasons = EncryptedJSONField()
    screeners = EncryptedJSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "triage_triageresult"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_acuity_display()} by {self.script_version}"


class CrisisSignal(models.Model):
    """A crisis signal found by the engine, or recorded by staff as missed."""

    class Source(models.TextChoices):
        INTAKE_TEXT = "intake_text", _("Intake free text")
        SCREENER = "screener", _("Screener answer")
        MESSAGE = "message", _("Patient message")
        STAFF = "staff", _("Recorded by staff (missed by the engine)")

    class Review(models.TextChoices):
        UNREVIEWED = "unreviewed", _("Not reviewed")
        TRUE_POSITIVE = "true_positive", _("True positive")
        FALSE_POSITIVE = "false_positive", _("False positive")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signals")
    source = models.CharField(max_length=12, choices=Source.choices)
    source_id = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=32)
    subtype = models.CharField(max_length=32, blank=True)
    severity = models.CharField(max_length=16)
    subject = models.CharField(max_length=16, default="self")
    rule_id = models.CharField(max_length=80)
    script_version = models.CharField(max_length=40, blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    matched = EncryptedTextField(blank=True, default="")
    review = models.CharField(max_length=16, choices=Review.choices, default=Review.UNREVIEWED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "triage_crisissignal"
        ordering = ["created_at"]
        constraints = [
            # The scan of record and the inline scan may both report the same span.
            models.UniqueConstraint(
                fields=["case", "source", "source_id", "rule_id", "span_start"],
                name="unique_signal_per_span",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.rule_id})"


class CaseEvent(models.Model):
    """The case timeline: everything that happened, in order. Notes are sealed."""

    class Kind(models.TextChoices):
        INTAKE_SUBMITTED = "intake_submitted", _("Intake submitted")
        TRIAGED = "triaged", _("Triaged")
        SIGNAL = "signal", _("Crisis signal")
        PAGE = "page", _("Page")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released")
        NOTE = "note", _("Note")
        CONTACT_ATTEMPT = "contact_attempt", _("Contact attempt")
        OVERRIDE = "override", _("Acuity override")
        SIGNAL_REVIEW = "signal_review", _("Signal review")
        MESSAGE = "message", _("Message")
        DISPOSITION = "disposition", _("Disposition")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        FLAGGED = "flagged", _("Released after missing its target")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    summary = models.CharField(max_length=200, help_text=_("No PHI: shown in lists."))
    body = EncryptedTextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "triage_caseevent"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class AcuityOverride(models.Model):
    """A clinician's change of acuity. Lowering emergent/urgent needs a second clinician."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a second clinician")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="overrides")
    from_acuity = models.CharField(max_length=8, choices=Acuity.choices)
    to_acuity = models.CharField(max_length=8, choices=Acuity.choices)
    # Clearing the crisis flag is part of what the second clinician confirms.
    clear_crisis = models.BooleanField(default=False)
    reason = EncryptedTextField()
    status = models.CharField(max_length=8, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "triage_acuityoverride"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("requested_by")),
                name="override_confirmed_by_someone_else",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_acuity} -> {self.to_acuity} ({self.status})"


class BreakGlassAccess(models.Model):
    """Emergency access to a case outside the clinician's teams, for supervisor review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "triage_breakglassaccess"
        ordering = ["-granted_at"]
        verbose_name_plural = "break-glass accesses"

    def __str__(self) -> str:
        return f"Break-glass on {self.case.reference} by {self.user}"


class CrisisScan(models.Model):
    """What the lexicon and the model each said about one text, on every scan.

    Holds no patient text: rule ids, the model's probability, its version and threshold.
    """

    class Source(models.TextChoices):
        INTAKE = "intake", _("Intake free text")
        MESSAGE = "message", _("Patient message")

    case = models.ForeignKey("Case", on_delete=models.CASCADE, related_name="crisis_scans")
    source = models.CharField(max_length=8, choices=Source.choices)
    source_id = models.CharField(max_length=64)
    scan = models.CharField(max_length=16)  # "inline" or "record"
    lexicon_rule_ids = models.JSONField(default=list)
    model_version = models.CharField(max_length=40, blank=True)
    model_probability = models.FloatField(null=True, blank=True)
    model_threshold = models.FloatField(null=True, blank=True)
    crisis = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "triage_crisisscan"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "source"])]

    def __str__(self) -> str:
        return f"scan of {self.source} {self.source_id}"
