"""Write paths of schedules: overrides (swapped shifts) and shift confirmations."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TeamMembership
from paging.models import OnCallSchedule, ShiftConfirmation, ShiftOverride


@transaction.atomic
def shift_override_create(
    *,
    schedule: OnCallSchedule,
    user,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    created_by,
    reason: str = "",
) -> ShiftOverride:
    """``user`` covers ``schedule`` from ``starts_at`` to ``ends_at`` (a swapped shift)."""
    if ends_at <= starts_at:
        raise ValidationError(_("The override must end after it starts."))
    if (
        not user.is_active
        or not TeamMembership.objects.filter(team_id=schedule.team_id, user=user).exists()
    ):
        raise ValidationError(_("Only an active member of the team can cover a shift."))
    return ShiftOverride.objects.create(
        schedule=schedule,
        user=user,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason[:200],
        created_by=created_by,
    )


def shift_confirm(*, confirmation_id) -> ShiftConfirmation | None:
    """Record that the nurse received the test notification. Idempotent."""
    ShiftConfirmation.objects.filter(pk=confirmation_id, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    return (
        ShiftConfirmation.objects.select_related("schedule__team", "user")
        .filter(pk=confirmation_id)
        .first()
    )
