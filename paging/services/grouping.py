"""Grouping crisis pages from one source, so a flood cannot bury the on-call nurse.

A new crisis case comes with the hashed keys of its source (client address, device
cookie, phone and e-mail blind index; built by the intake). When one of them matches
an open page of the same team raised within ``PAGING_GROUP_WINDOW_MINUTES``, the case
joins that page (a ``PageCase`` row, ``Page.case_count`` + 1, its signals added) and
nobody is notified again: the page's escalation goes on as before. The case itself is
untouched, a crisis case in the queue like any other: nothing is dropped. A source
with no such page pages at once. Supervisors see "possible flooding" once a page
groups ``PAGING_FLOOD_ALERT_CASES`` cases.

The window counts from the page's raising, not from the last case: a flood that goes
on pages again once per window, and a resolved page is never joined.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from paging import signals as paging_signals
from paging.models import Page, PageCase

if TYPE_CHECKING:
    from cases.models import Case, CrisisSignal

# How long a flood stays on the supervisor view after its page was raised.
ALERT_HOURS = 24


def window() -> dt.timedelta | None:
    minutes = settings.PAGING_GROUP_WINDOW_MINUTES
    return dt.timedelta(minutes=minutes) if minutes > 0 else None


def lock_sources(keys: list[str]) -> None:
    """Serialise crisis cases from one source until the transaction ends.

    Without it, a burst of simultaneous intakes from one source would each find no
    page yet and each page. PostgreSQL transaction-level advisory locks, taken in a
    fixed order (no deadlock between two such callers); SQLite serialises writers.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def open_group_of(case: Case) -> Page | None:
    """The open page ``case`` was already grouped onto, locked."""
    return (
        Page.objects.select_for_update(of=("self",))
        .filter(grouped_cases__case=case)
        .exclude(status=Page.Status.RESOLVED)
        .first()
    )


def find_group(*, case: Case, keys: list[str], now: dt.datetime) -> Page | None:
    """The oldest open page of the case's team raised within the window from a source
    sharing one of ``keys``, locked; None when there is none (the case pages)."""
    span = window()
    if span is None or not keys:
        return None
    wanted = set(keys)
    candidates = (
        Page.objects.filter(team_id=case.team_id, created_at__gte=now - span)
        .exclude(status=Page.Status.RESOLVED)
        .exclude(case=case)
        .order_by("created_at")
        .values_list("pk", "source_keys")
    )
    for page_id, page_keys in candidates:
        if wanted & set(page_keys or ()):
            page = (
                Page.objects.select_for_update(of=("self",))
                .filter(pk=page_id)
                .exclude(status=Page.Status.RESOLVED)
                .first()
            )
            if page is not None:
                return page
    return None


def _kind(keys: list[str], page_keys) -> str:
    shared = sorted(set(keys) & set(page_keys or ()))
    return shared[0].split(":", 1)[0][:16] if shared else ""


def group_join(
    *, page: Page, case: Case, signals: list[CrisisSignal], keys: list[str], now: dt.datetime
) -> Page:
    """Add ``case`` to ``page`` (locked by the caller): count, keys, signals; both
    cases' timelines say so (``paging.signals.page_grouped``)."""
    kind = _kind(keys, page.source_keys)
    page.case_count = F("case_count") + 1
    page.source_keys = sorted(set(page.source_keys or ()) | set(keys))
    page.save(update_fields=["case_count", "source_keys"])
    page.refresh_from_db(fields=["case_count"])
    PageCase.objects.create(page=page, case=case, matched=kind, added_at=now)
    if signals:
        page.signals.add(*signals)
    paging_signals.page_grouped.send(sender=Page, page=page, actor=None, case=case, matched=kind)
    return page


def flood_alerts(team_ids, now: dt.datetime | None = None) -> list[Page]:
    """Pages grouping at least PAGING_FLOOD_ALERT_CASES cases: open, or raised lately."""
    now = now or timezone.now()
    recent = Q(created_at__gte=now - dt.timedelta(hours=ALERT_HOURS))
    return list(
        Page.objects.filter(team_id__in=list(team_ids))
        .filter(case_count__gte=settings.PAGING_FLOOD_ALERT_CASES)
        .filter(recent | ~Q(status=Page.Status.RESOLVED))
        .select_related("team")
        .order_by("-created_at")
    )
