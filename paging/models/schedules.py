"""On-call schedules: a rotation of team members, overrides, and shift confirmations."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from exc


class OnCallSchedule(models.Model):
    """Who of a team is on call when, for one layer (primary or backup).

    Shift ``n`` starts at ``starts_on`` + ``n`` shift lengths at the handoff time in
    the schedule's time zone and belongs to member ``n mod len(members)``. Day-based
    lengths follow the wall clock (the handoff stays at 08:00 across DST changes).
    """

    class Layer(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        BACKUP = "backup", _("Backup")

    class Rotation(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        CUSTOM = "custom", _("Custom length")

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="oncall_schedules"
    )
    name = models.CharField(_("name"), max_length=120)
    layer = models.CharField(_("layer"), max_length=8, choices=Layer.choices)
    rotation = models.CharField(_("rotation"), max_length=8, choices=Rotation.choices)
    shift_hours = models.PositiveIntegerField(
        _("shift length in hours"),
        null=True,
        blank=True,
        help_text=_("Only for a custom rotation, for example 12."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[_validate_time_zone]
    )
    handoff_time = models.TimeField(_("handoff time"), default=dt.time(8, 0))
    starts_on = models.DateField(_("first shift on"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "layer"]
        verbose_name = _("on-call schedule")
        verbose_name_plural = _("on-call schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "layer"],
                condition=models.Q(is_active=True),
                name="one_active_schedule_per_team_layer",
            ),
            models.CheckConstraint(
                condition=~models.Q(rotation="custom") | models.Q(shift_hours__gte=1),
                name="custom_rotation_has_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.get_layer_display()}: {self.name}"

    def clean(self) -> None:
        if self.rotation == self.Rotation.CUSTOM and not self.shift_hours:
            raise ValidationError({"shift_hours": _("A custom rotation needs a shift length.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def length_hours(self) -> int:
        if self.rotation == self.Rotation.DAILY:
            return 24
        if self.rotation == self.Rotation.WEEKLY:
            return 24 * 7
        return int(self.shift_hours or 24)


class RotationMember(models.Model):
    """One place in a schedule's rotation, in order."""

    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["schedule", "position"]
        verbose_name = _("rotation member")
        verbose_name_plural = _("rotation members")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "position"], name="unique_rotation_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.user}"


class ShiftOverride(models.Model):
    """Someone else covers part of a schedule (a swapped shift, sick cover)."""

    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("covered by"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift override")
        verbose_name_plural = _("shift overrides")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="override_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"


class ShiftConfirmation(models.Model):
    """The nurse coming on call confirmed a test notification before the shift."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schedule = models.ForeignKey(
        OnCallSchedule, on_delete=models.CASCADE, related_name="confirmations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shift_starts_at = models.DateTimeField()
    shift_ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    supervisor_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shift_starts_at"]
        verbose_name = _("shift confirmation")
        verbose_name_plural = _("shift confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "user", "shift_starts_at"], name="unique_shift_confirmation"
            ),
        ]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "unconfirmed"
        return f"{self.user} {self.shift_starts_at:%Y-%m-%d %H:%M} ({state})"
