"""A clinic's opening hours and holidays: open now? opens when? what can we promise? Pure.

The same questions as ``intake.hours``, with holidays: a day in ``holidays`` is
closed whatever its weekday says. Times are aware datetimes; the calendar reads them
on the clinic's own wall clock (``tz``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

__all__ = ["DAYS", "Calendar", "CalendarError", "parse_hours"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead to look for an opening: long enough for a run of holidays.
_LOOKAHEAD_DAYS = 45


class CalendarError(ValueError):
    """Opening hours that cannot be read; the message names the day."""


def parse_hours(hours: Mapping) -> dict[int, tuple[dt.time, dt.time]]:
    """``{"mon": ["08:00", "18:00"], ...}`` as ``{0: (08:00, 18:00), ...}``."""
    parsed = {}
    for day, span in (hours or {}).items():
        try:
            start, end = (dt.time.fromisoformat(part) for part in span)
            index = DAYS.index(day)
        except (ValueError, TypeError) as exc:
            raise CalendarError(f'{day!r} must be like "mon": ["08:00", "18:00"].') from exc
        if not start < end:
            raise CalendarError(f"{day!r}: the opening time must come before the closing time.")
        parsed[index] = (start, end)
    return parsed


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours and closed dates (holidays) in one time zone."""

    hours: dict[int, tuple[dt.time, dt.time]]
    tz: str
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def span_on(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        """Opening and closing time on ``day``; None when closed (weekday or holiday)."""
        if day in self.holidays:
            return None
        return self.hours.get(day.weekday())

    def is_open(self, at: dt.datetime) -> bool:
        local = at.astimezone(self.zone)
        span = self.span_on(local.date())
        return span is not None and span[0] <= local.time() < span[1]

    def next_opening(self, at: dt.datetime) -> dt.datetime | None:
        """None when open at ``at`` or with no hours at all; else the next opening."""
        if not self.hours or self.is_open(at):
            return None
        local = at.astimezone(self.zone)
        for offset in range(_LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            span = self.span_on(day)
            if span is None:
                continue
            opening = dt.datetime.combine(day, span[0], tzinfo=self.zone)
            if opening > local:
                return opening
        return None

    def contact_by(self, due: dt.datetime) -> dt.datetime:
        """The latest time to promise for a target ``due``, moved into opening hours.

        A target that falls while the clinic is closed becomes the close of the next
        opening after it: nobody reads a request while the clinic is closed.
        """
        if not self.hours:
            return due
        local = due.astimezone(self.zone)
        span = self.span_on(local.date())
        if span is not None and span[0] <= local.time() <= span[1]:
            return due
        for offset in range(_LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            span = self.span_on(day)
            if span is None:
                continue
            closing = dt.datetime.combine(day, span[1], tzinfo=self.zone)
            if closing > local:
                return closing
        return due

    def next_date_for(self, weekday: int, at: dt.datetime) -> dt.date:
        """The date of the coming ``weekday`` (today when today is that day)."""
        today = at.astimezone(self.zone).date()
        return today + dt.timedelta(days=(weekday - today.weekday()) % 7)
