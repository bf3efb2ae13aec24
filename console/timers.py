"""Queue timers: how long a case has waited and how long until (or since) its target."""

from __future__ import annotations

import datetime as dt
import uuid

from django.urls import reverse
from django.utils.translation import gettext as _

_PLACEHOLDER = uuid.UUID(int=0)


def duration(delta: dt.timedelta) -> str:
    """A short, readable duration: "45 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return _("%(n)d s") % {"n": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def annotate_timers(cases, now: dt.datetime) -> None:
    """Set ``waiting``, ``overdue`` and ``target_text`` on each case (no query)."""
    for case in cases:
        case.waiting = duration(now - case.opened_at)
        case.overdue = case.status != "closed" and case.due_at <= now
        case.target_text = duration(now - case.due_at if case.overdue else case.due_at - now)


def annotate_rows(cases) -> None:
    """Queue rows: links and labels worked out once here, not per row in the template."""
    case_url = reverse("console:case", args=[_PLACEHOLDER])
    claim_url = reverse("console:case_claim", args=[_PLACEHOLDER])
    placeholder = str(_PLACEHOLDER)
    overdue, due = _("Overdue by %(t)s"), _("Due in %(t)s")
    claimed = _("Claimed by %(name)s")
    for case in cases:
        pk = str(case.pk)
        case.url = case_url.replace(placeholder, pk)
        case.claim_url = claim_url.replace(placeholder, pk)
        case.timer_label = (overdue if case.overdue else due) % {"t": case.target_text}
        if case.status == "claimed" and case.claimed_by is not None:
            name = case.claimed_by.get_full_name() or case.claimed_by.username
            case.status_label = claimed % {"name": name}
        else:
            case.status_label = case.get_status_display()
