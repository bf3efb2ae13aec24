"""Who is on call when: rotations, overrides and coverage gaps (read-only).

Everything here is computed from the schedule rows at query time; nothing is
materialised, so an override or a rotation change takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from paging.models import OnCallSchedule, ShiftOverride

UTC = dt.UTC


@dataclass(frozen=True)
class Shift:
    """A stretch of time with one person (or nobody) on call for one layer."""

    layer: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    user: User | None
    override: bool = False

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


def _shift_start(schedule: OnCallSchedule, n: int) -> dt.datetime:
    """Start of shift ``n`` (0 is the first); day lengths follow the local wall clock."""
    tz = schedule.tz
    hours = schedule.length_hours
    if hours % 24 == 0:
        day = schedule.starts_on + dt.timedelta(days=n * hours // 24)
        return dt.datetime.combine(day, schedule.handoff_time, tzinfo=tz).astimezone(UTC)
    anchor = dt.datetime.combine(schedule.starts_on, schedule.handoff_time, tzinfo=tz)
    return anchor.astimezone(UTC) + dt.timedelta(hours=n * hours)


def _shift_index(schedule: OnCallSchedule, at: dt.datetime) -> int:
    """The index of the shift running at ``at`` (negative before the first shift)."""
    first = _shift_start(schedule, 0)
    n = int((at - first).total_seconds() // (schedule.length_hours * 3600))
    # A DST change can move a wall-clock boundary by an hour: step to the right shift.
    while _shift_start(schedule, n) > at:
        n -= 1
    while _shift_start(schedule, n + 1) <= at:
        n += 1
    return n


def _eligible_user_ids(team: Team) -> set[int]:
    return set(
        TeamMembership.objects.filter(team=team, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _base_shifts(
    schedule: OnCallSchedule, start: dt.datetime, end: dt.datetime, eligible: set[int]
) -> list[Shift]:
    members = [m.user for m in schedule.members.select_related("user").order_by("position")]
    last_end = None
    if schedule.ends_on is not None:
        last_end = dt.datetime.combine(
            schedule.ends_on + dt.timedelta(days=1), schedule.handoff_time, tzinfo=schedule.tz
        ).astimezone(UTC)
    shifts: list[Shift] = []
    n = _shift_index(schedule, start)
    while True:
        s, e = _shift_start(schedule, n), _shift_start(schedule, n + 1)
        if s >= end:
            break
        user = None
        if n >= 0 and members and (last_end is None or s < last_end):
            candidate = members[n % len(members)]
            user = candidate if candidate.id in eligible else None
        if last_end is not None and s < last_end < e:
            e = last_end
        shifts.append(Shift(schedule.layer, max(s, start), min(e, end), user))
        if last_end is not None and e == last_end and e < end:
            shifts.append(Shift(schedule.layer, e, end, None))
            break
        n += 1
    return shifts


def shifts_for(team: Team, layer: str, start: dt.datetime, end: dt.datetime) -> list[Shift]:
    """Consecutive shifts covering [start, end) for one layer; ``user`` None is a gap."""
    schedule = OnCallSchedule.objects.filter(team=team, layer=layer, is_active=True).first()
    if schedule is None:
        return [Shift(layer, start, end, None)]
    eligible = _eligible_user_ids(team)
    base = _base_shifts(schedule, start, end, eligible)
    overrides = list(
        ShiftOverride.objects.filter(schedule=schedule, starts_at__lt=end, ends_at__gt=start)
        .select_related("user")
        .order_by("created_at")
    )
    if not overrides:
        return _merge(base)
    points = {start, end}
    for shift in base:
        points.update((shift.starts_at, shift.ends_at))
    for o in overrides:
        points.update(p for p in (o.starts_at, o.ends_at) if start < p < end)
    ordered = sorted(points)
    pieces = []
    for a, b in itertools.pairwise(ordered):
        # The most recent override covering this piece wins over the rotation.
        covering = [o for o in overrides if o.starts_at <= a < o.ends_at]
        if covering:
            o = covering[-1]
            user = o.user if o.user_id in eligible else None
            pieces.append(Shift(layer, a, b, user, override=True))
        else:
            base_user = next(s.user for s in base if s.starts_at <= a < s.ends_at)
            pieces.append(Shift(layer, a, b, base_user))
    return _merge(pieces)


def _merge(shifts: list[Shift]) -> list[Shift]:
    merged: list[Shift] = []
    for shift in shifts:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.ends_at == shift.starts_at
            and prev.user == shift.user
            and prev.override == shift.override
        ):
            merged[-1] = Shift(prev.layer, prev.starts_at, shift.ends_at, prev.user, prev.override)
        else:
            merged.append(shift)
    return merged


def oncall_at(team: Team, layer: str = OnCallSchedule.Layer.PRIMARY, at=None) -> User | None:
    """The person on call for ``layer`` at ``at`` (now by default), or None."""
    at = at or timezone.now()
    shifts = shifts_for(team, layer, at, at + dt.timedelta(seconds=1))
    return shifts[0].user if shifts else None


def coverage_gaps(team: Team, start=None, days: int = 7) -> list[Shift]:
    """Stretches of the primary layer with nobody on call in the coming ``days``."""
    start = start or timezone.now()
    shifts = shifts_for(team, OnCallSchedule.Layer.PRIMARY, start, start + dt.timedelta(days=days))
    return [s for s in shifts if s.user is None]


def upcoming_shifts(team: Team, layer: str, start=None, days: int = 7) -> list[Shift]:
    start = start or timezone.now()
    return shifts_for(team, layer, start, start + dt.timedelta(days=days))
