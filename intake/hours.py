"""Clinic hours (``settings.CLINIC_HOURS``): is the clinic open, and when does it open next.

The hours are read in the team's time zone (``Team.time_zone``, by default TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse(hours: dict) -> dict[int, tuple[dt.time, dt.time]]:
    parsed = {}
    for day, span in hours.items():
        try:
            start, end = (dt.time.fromisoformat(part) for part in span)
            parsed[DAYS.index(day)] = (start, end)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f'CLINIC_HOURS: {day!r} must be like "mon": ["08:00", "18:00"].'
            ) from exc
    return parsed


def next_opening(now: dt.datetime, hours: dict | None = None, tz: str | None = None):
    """None when the clinic is open at ``now``; otherwise the next opening (aware, local).

    With no opening hours at all (an empty setting) returns None: nobody can promise
    an hour, and the confirmation then speaks of the response target only.
    """
    schedule = _parse(settings.CLINIC_HOURS if hours is None else hours)
    if not schedule:
        return None
    local = now.astimezone(ZoneInfo(tz or settings.TIME_ZONE))
    today = schedule.get(local.weekday())
    if today and today[0] <= local.time() < today[1]:
        return None
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        span = schedule.get(day.weekday())
        if span is None:
            continue
        opening = dt.datetime.combine(day, span[0], tzinfo=local.tzinfo)
        if opening > local:
            return opening
    return None


def is_open(now: dt.datetime, tz: str | None = None) -> bool:
    return bool(_parse(settings.CLINIC_HOURS)) and next_opening(now, tz=tz) is None


def contact_by(due: dt.datetime, hours: dict | None = None, tz: str | None = None) -> dt.datetime:
    """The latest time to promise a patient we will contact them, for a target ``due``.

    Nobody reads a request while the clinic is closed (only a crisis pages the nurse
    on call), so a target that falls outside the clinic's hours is not promised as it
    is: the promise moves to the close of the next opening after it ("we aim to
    contact you by Sunday" beside "we will read it on Monday" would be untrue). With
    no opening hours configured the target is promised as it is.
    """
    schedule = _parse(settings.CLINIC_HOURS if hours is None else hours)
    if not schedule:
        return due
    local = due.astimezone(ZoneInfo(tz or settings.TIME_ZONE))
    today = schedule.get(local.weekday())
    if today and today[0] <= local.time() <= today[1]:
        return due
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        span = schedule.get(day.weekday())
        if span is None:
            continue
        closing = dt.datetime.combine(day, span[1], tzinfo=local.tzinfo)
        if closing > local:
            return closing
    return due
