"""Escalation policies: ordered steps, repeated until someone acknowledges.

A page copies its team's policy into ``Page.policy_snapshot`` when it is raised, so an
edit made while a page is in flight never changes that page.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationPolicy(models.Model):
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="escalation_policies"
    )
    name = models.CharField(_("name"), max_length=120)
    ack_timeout = models.DurationField(
        _("acknowledgement timeout"),
        default=dt.timedelta(minutes=15),
        help_text=_(
            "After an acknowledgement, escalation resumes unless the case is claimed or "
            "actioned within this time."
        ),
    )
    repeat_after = models.DurationField(
        _("repeat after"),
        default=dt.timedelta(minutes=5),
        help_text=_("Wait after the last step before starting again from the first."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(is_active=True),
                name="one_active_policy_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.name}"


class EscalationStep(models.Model):
    class Target(models.TextChoices):
        PRIMARY = "primary", _("Primary on call")
        BACKUP = "backup", _("Backup on call")
        SUPERVISORS = "supervisors", _("Team supervisors")
        TEAM = "team", _("Every member of the team")
        USER = "user", _("A named person")

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    delay = models.DurationField(
        _("delay"),
        default=dt.timedelta(0),
        help_text=_("Time after the page is raised (or the round restarts) when this step runs."),
    )
    target = models.CharField(_("who"), max_length=12, choices=Target.choices)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notify_email = models.BooleanField(_("e-mail"), default=True)
    notify_webhook = models.BooleanField(_("webhook (SMS, voice, chat)"), default=True)
    notify_console = models.BooleanField(_("console alert"), default=True)
    # Only where the team has an SMS account and the person a paging phone number.
    notify_sms = models.BooleanField(_("SMS"), default=True)

    class Meta:
        ordering = ["policy", "position"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="unique_step_position"),
            models.CheckConstraint(
                condition=~models.Q(target="user") | models.Q(user__isnull=False),
                name="user_step_names_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_target_display()} after {self.delay}"

    @property
    def channels(self) -> list[str]:
        chosen = [
            ("email", self.notify_email),
            ("webhook", self.notify_webhook),
            ("console", self.notify_console),
            ("sms", self.notify_sms),
        ]
        return [name for name, on in chosen if on]
