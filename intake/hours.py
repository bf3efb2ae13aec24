"""Clinic hours (``settings.CLINIC_HOURS``): is the clinic open, and when does it open next.

The hours are read in the team's time zone (``Team.time_zone``, by default TIME_ZONE);
the calendar itself is the engine's (``triage.engine.clinic_calendar``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from triage.engine.clinic_calendar import Calendar, CalendarError, parse_hours


def calendar(hours: dict | None = None, tz: str | None = None) -> Calendar:
    """The clinic's week (``CLINIC_HOURS`` unless ``hours`` is given) in time zone ``tz``."""
    try:
        parsed = parse_hours(settings.CLINIC_HOURS if hours is None else hours)
    except CalendarError as exc:
        raise ImproperlyConfigured(f"CLINIC_HOURS: {exc}") from exc
    return Calendar(hours=parsed, tz=tz or settings.TIME_ZONE)


def next_opening(now: dt.datetime, hours: dict | None = None, tz: str | None = None):
    """None when the clinic is open at ``now``; otherwise the next opening (aware, local).

    With no opening hours at all (an empty setting) returns None: nobody can promise
    an hour, and the confirmation then speaks of the response target only.
    """
    return calendar(hours, tz).next_opening(now)


def is_open(now: dt.datetime, tz: str | None = None) -> bool:
    week = calendar(tz=tz)
    return bool(week.hours) and week.is_open(now)


def contact_by(due: dt.datetime, hours: dict | None = None, tz: str | None = None) -> dt.datetime:
    """The latest time to promise a patient we will contact them, for a target ``due``.

    Nobody reads a request while the clinic is closed (only a crisis pages the nurse
    on call), so a target that falls outside the clinic's hours is not promised as it
    is: the promise moves to the close of the next opening after it ("we aim to
    contact you by Sunday" beside "we will read it on Monday" would be untrue). With
    no opening hours configured the target is promised as it is.
    """
    return calendar(hours, tz).contact_by(due)
