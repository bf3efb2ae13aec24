"""Pages (alerts) raised for a case's crisis signals, and their acknowledge links."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    """One alert for one case: triggered -> acknowledged -> resolved.

    ``next_action_at`` drives escalation: the beat tick advances every page whose time
    has come, so a lost Celery message only delays a page. ``fence`` increases with
    every advance; a task holding an older value does nothing.
    """

    class Status(models.TextChoices):
        TRIGGERED = "triggered", _("Triggered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="pages")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="pages")
    # A copy of the case's pseudonymous reference: the only identifier notifications carry.
    reference = models.CharField(max_length=9)
    signals = models.ManyToManyField("cases.CrisisSignal", related_name="pages", blank=True)
    reason = models.CharField(_("reason"), max_length=40, default="crisis")
    dedup_key = models.CharField(max_length=80)
    # Grouping against flooding (README "Crisis paging"): hashed keys of where the
    # case came from (address, device cookie, contact blind index) and how many crisis
    # cases share this page (this case plus every ``PageCase`` grouped onto it).
    source_keys = models.JSONField(default=list, blank=True)
    case_count = models.PositiveIntegerField(_("crisis cases"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.TRIGGERED
    )
    policy = models.ForeignKey(
        "paging.EscalationPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pages",
    )
    policy_snapshot = models.JSONField(help_text=_("The escalation policy as it was when raised."))
    cycle = models.PositiveIntegerField(default=0, help_text=_("Rounds of the policy started."))
    step_index = models.PositiveSmallIntegerField(default=0, help_text=_("The next step to run."))
    round_started_at = models.DateTimeField()
    next_action_at = models.DateTimeField(null=True, blank=True)
    fence = models.PositiveBigIntegerField(default=0)
    last_step_at = models.DateTimeField(null=True, blank=True)
    fallback_used = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    first_notified_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # One-tap actions (services/actions.py): who the page was handed to, and a snooze
    # that holds the next escalation step (never past the policy's last step).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snoozed_until = models.DateTimeField(null=True, blank=True)
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        indexes = [
            models.Index(fields=["status", "next_action_at"], name="page_due"),
            models.Index(fields=["team", "created_at"], name="page_team_created"),
        ]
        constraints = [
            # One open page per case: new signals join it instead of paging again.
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=~models.Q(status="resolved"),
                name="one_open_page_per_dedup_key",
            ),
        ]

    def __str__(self) -> str:
        return f"Page {self.reference} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class PageCase(models.Model):
    """A later crisis case from the same source, grouped onto an open page.

    The case itself is untouched (a crisis case in the queue like any other); only its
    page is shared, so the on-call nurse is not notified again for each one.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="grouped_cases")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="grouped_pages")
    # Which kind of key matched ("address", "device", "phone", "email"): no value.
    matched = models.CharField(max_length=16)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("grouped crisis case")
        verbose_name_plural = _("grouped crisis cases")
        constraints = [
            models.UniqueConstraint(fields=["page", "case"], name="page_case_once"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} on page {self.page_id}"


class AckLink(models.Model):
    """A single-use acknowledge link sent to one recipient of a page.

    The URL carries a signed, time-stamped token naming this row; the row makes it
    single-use. The link acknowledges only: opening the case needs a signed-in,
    MFA-verified session.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="ack_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # Which action spent the link ("acknowledge" by the public link, or one of the
    # signed-in action link's: acknowledge, escalate, reassign, snooze).
    used_for = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("acknowledge link")
        verbose_name_plural = _("acknowledge links")

    def __str__(self) -> str:
        return f"ack link for {self.page_id}"
