"""Conversation per case, its messages (sealed at rest) and the patient notice outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedTextField


class Conversation(models.Model):
    """One per case. Once the assistant is silenced (crisis or takeover) it stays silent."""

    class Status(models.TextChoices):
        AUTOMATED = "automated", _("Automated assistant")
        WITH_STAFF = "with_staff", _("With staff")

    class SilencedReason(models.TextChoices):
        CRISIS = "crisis", _("Crisis signal")
        TAKEOVER = "takeover", _("Taken over by staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="conversation")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AUTOMATED)
    assistant_silenced_at = models.DateTimeField(null=True, blank=True)
    silenced_reason = models.CharField(max_length=8, choices=SilencedReason.choices, blank=True)
    # The patient message whose crisis signal silenced the assistant (crisis content is
    # shown right after it).
    crisis_message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_over_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the patient last had the conversation open (its poll), so a nurse sees
    # "patient is viewing". Written at most every few seconds (messaging.live).
    patient_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # "with staff" exactly when the assistant is silenced, and always with a reason.
            models.CheckConstraint(
                condition=(
                    Q(status="automated", assistant_silenced_at__isnull=True, silenced_reason="")
                    | (
                        Q(status="with_staff", assistant_silenced_at__isnull=False)
                        & ~Q(silenced_reason="")
                    )
                ),
                name="conversation_silence_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation of {self.case.reference}"

    @property
    def assistant_silenced(self) -> bool:
        return self.assistant_silenced_at is not None


class Message(models.Model):
    class Sender(models.TextChoices):
        PATIENT = "patient", _("Patient")
        ASSISTANT = "assistant", _("Automated assistant")
        STAFF = "staff", _("Staff")

    class ScanStatus(models.TextChoices):
        NOT_APPLICABLE = "n/a", _("Not scanned (not from the patient)")
        PENDING = "pending", _("Waiting for the scan of record")
        CLEAN = "clean", _("Scanned: no crisis signal")
        SIGNAL = "signal", _("Scanned: crisis signal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.CharField(max_length=9, choices=Sender.choices)
    staff_sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the patient sees as the author of a staff message, copied at sending time:
    # the first name and the role (a Role value, shown in the patient's language).
    sender_name = models.CharField(max_length=150, blank=True)
    sender_role = models.CharField(max_length=16, blank=True)
    body = EncryptedTextField()
    # Assistant messages: the approved text id and the script version it came from.
    reply_text_id = models.CharField(max_length=64, blank=True)
    script_version = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    scan_status = models.CharField(
        max_length=8, choices=ScanStatus.choices, default=ScanStatus.NOT_APPLICABLE
    )
    scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread"),
            models.Index(fields=["scan_status", "created_at"], name="message_scan_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sender="staff", staff_sender__isnull=False)
                | (~Q(sender="staff") & Q(staff_sender__isnull=True)),
                name="message_staff_sender_iff_staff",
            ),
            models.CheckConstraint(
                condition=Q(sender="assistant") & ~Q(reply_text_id="")
                | ~Q(sender="assistant") & Q(reply_text_id=""),
                name="message_assistant_has_text_id",
            ),
            models.CheckConstraint(
                condition=Q(sender="patient") & ~Q(scan_status="n/a")
                | ~Q(sender="patient") & Q(scan_status="n/a"),
                name="message_patient_scanned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} message {self.pk}"


class PatientNotice(models.Model):
    """'You have a new message' to the patient: an outbox row, sent after commit.

    No address is stored (it is PHI): the sender reads it from the intake when sending.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("SMS webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (no way to reach the patient)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notices")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempt = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_try_at"], name="patient_notice_due")]

    def __str__(self) -> str:
        return f"Notice {self.pk} ({self.status})"


# The callback request and the clinic facts live in a module of their own.
from messaging.models_callbacks import (  # noqa: E402
    CallbackRequest,
    ClinicHoliday,
    ClinicProfile,
)

__all__ = [
    "CallbackRequest",
    "ClinicHoliday",
    "ClinicProfile",
    "Conversation",
    "Message",
    "PatientNotice",
]
