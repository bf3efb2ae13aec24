"""Notifications: one row per message to one recipient on one channel.

``attempt_key`` is unique, so re-running a step never creates a second row, and the
sending task claims the row with a conditional UPDATE before it sends: a retry or a
redelivered task never sends what was already sent. ``attempt`` counts tries.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """An HTTP receiver (SMS or voice gateway, chat tool) for a team's pages."""

    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="paging_webhooks",
        help_text=_("Empty: every team."),
    )
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")
        CONSOLE = "console", _("Console alert")
        SMS = "sms", _("SMS")

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        SHIFT_TEST = "shift_test", _("Shift test")
        SHIFT_UNCONFIRMED = "shift_unconfirmed", _("Unconfirmed shift warning")
        COVERAGE_GAP = "coverage_gap", _("Coverage gap warning")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not needed (acknowledged first)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAGE)
    page = models.ForeignKey(
        "paging.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    shift = models.ForeignKey(
        "paging.ShiftConfirmation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cycle = models.PositiveIntegerField(default=0)
    step = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("E-mail address, webhook URL, or the last digits of an SMS number."),
    )
    fallback = models.BooleanField(default=False)
    ack_link = models.ForeignKey(
        "paging.AckLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Non-PHI facts for the message text (a shift's start, a gap's hours).
    detail = models.JSONField(default=dict, blank=True)
    attempt_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempt = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("notification attempt")
        verbose_name_plural = _("notification attempts")
        indexes = [
            models.Index(fields=["status", "next_try_at"], name="notification_due"),
            models.Index(fields=["recipient", "channel", "status"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient or self.address} ({self.status})"
