"""The PHI access log: one append-only row per access, chained by SHA-256.

Rows are written only by ``audit.services.record_access``; the database refuses
UPDATE, DELETE and TRUNCATE on these tables (see ``audit.triggers``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# prev_hash of the first event of a chain that has never been archived.
GENESIS_HASH = "0" * 64


class AccessEvent(models.Model):
    """Who accessed which patient's information, how, why, from where, and when."""

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        LIST = "list", _("list")
        SEARCH = "search", _("search")
        EXPORT = "export", _("export")
        PRINT = "print", _("print")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        BREAK_GLASS = "break_glass", _("break the glass")
        DENIED = "denied", _("denied")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        DENIED = "denied", _("denied")

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    # SET_NULL keeps the event when an account is deleted; the copies below stay (and
    # are the ones covered by the hash).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role at the time"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # A pseudonymous reference (a case reference code), never a PHI value.
    patient_ref = models.CharField(_("patient reference"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # The path only: a query string could carry PHI.
    path = models.CharField(_("path"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    # Not unique: `sequence` already makes the chain linear, and a unique index over
    # random hashes would double the cost of each write.
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
            models.Index(fields=["patient_ref"], name="audit_event_patient_idx"),
            models.Index(fields=["actor_username"], name="audit_event_username_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"#{self.sequence} {who} {self.action} {self.object_type} {self.object_id}"


class ChainAnchor(models.Model):
    """The last event of an archived range: verification of the rows left resumes here.

    Written by ``manage.py audit_archive`` before the archived rows are deleted by
    the privileged role; append-only like the events.
    """

    sequence = models.PositiveBigIntegerField(_("last archived sequence"), unique=True)
    hash = models.CharField(_("hash of that event"), max_length=64)
    first_sequence = models.PositiveBigIntegerField(_("first archived sequence"))
    first_prev_hash = models.CharField(_("prev_hash of the first archived event"), max_length=64)
    archive_name = models.CharField(_("archive file"), max_length=255)
    archive_sha256 = models.CharField(_("SHA-256 of the archive file"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("chain anchor")
        verbose_name_plural = _("chain anchors")

    def __str__(self) -> str:
        return f"anchor at #{self.sequence}"
