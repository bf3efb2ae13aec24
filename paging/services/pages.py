"""The write paths of a page: raise, acknowledge, resolve (escalation: ``escalation``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from paging import signals as paging_signals
from paging.models import AckLink, Notification, Page
from paging.services import dispatch, grouping
from paging.services import policy as policies

if TYPE_CHECKING:
    from cases.models import Case, CrisisSignal


def _now() -> dt.datetime:
    return timezone.now()


def dedup_key_for(case: Case) -> str:
    return f"case:{case.pk}"


def page_raise(
    *,
    case: Case,
    signals: list[CrisisSignal],
    reason: str = "crisis",
    source_keys: list[str] | tuple[str, ...] = (),
) -> Page:
    """Raise (or join) the open page of ``case``; delivery starts after commit.

    Call it inside the transaction that creates the case and its signals, so the page
    commits with them or not at all. A second call for the same case adds the signals
    to the open page instead of paging again.

    ``source_keys`` (hashed address, device, contact blind index: where a new crisis
    case came from) group a flood: a case whose source already raised an open page
    within ``PAGING_GROUP_WINDOW_MINUTES`` joins that page with a count instead of
    notifying again (``grouping``). Without a match, the case pages at once.
    """
    keys = sorted({k for k in source_keys if k})
    with transaction.atomic():
        key = dedup_key_for(case)
        page = _open_page(key) or grouping.open_group_of(case)
        if page is not None:
            if signals:
                page.signals.add(*signals)
            return page
        now = _now()
        if keys and grouping.window() is not None:
            grouping.lock_sources(keys)
            group = grouping.find_group(case=case, keys=keys, now=now)
            if group is not None:
                return grouping.group_join(
                    page=group, case=case, signals=signals, keys=keys, now=now
                )
        policy, snapshot = policies.policy_snapshot(case.team)
        try:
            with transaction.atomic():  # a savepoint: losing the race keeps the caller's work
                page = Page.objects.create(
                    case=case,
                    team=case.team,
                    reference=case.reference,
                    reason=reason[:40],
                    dedup_key=key,
                    source_keys=keys,
                    policy=policy,
                    policy_snapshot=snapshot,
                    round_started_at=now,
                    next_action_at=now,
                    created_at=now,
                )
        except IntegrityError:
            # Another transaction raised this case's page first: join it.
            page = _open_page(key)
            if page is None:
                raise
            if signals:
                page.signals.add(*signals)
            return page
        if signals:
            page.signals.add(*signals)
        paging_signals.page_raised.send(sender=Page, page=page, actor=None)
        dispatch.page_deliver_after_commit(page.pk)
        return page


def _open_page(key: str) -> Page | None:
    return (
        Page.objects.select_for_update(of=("self",))
        .filter(dedup_key=key)
        .exclude(status=Page.Status.RESOLVED)
        .first()
    )


def page_acknowledge(*, page: Page, user, via: str = "console") -> Page:
    """Pause escalation for the policy's acknowledgement timeout. Idempotent."""
    with transaction.atomic():
        page = Page.objects.select_for_update(of=("self",)).get(pk=page.pk)
        if page.status != Page.Status.TRIGGERED:
            return page
        now = _now()
        timeout = dt.timedelta(seconds=page.policy_snapshot.get("ack_timeout", 900))
        page.status = Page.Status.ACKNOWLEDGED
        page.acknowledged_at = now
        page.acknowledged_by = user
        page.first_acknowledged_at = page.first_acknowledged_at or now
        page.next_action_at = now + timeout
        page.fence += 1
        page.save()
        # Steps already queued are no longer needed.
        Notification.objects.filter(page=page, status=Notification.Status.PENDING).update(
            status=Notification.Status.SKIPPED
        )
        paging_signals.page_acknowledged.send(sender=Page, page=page, actor=user, via=via)
        return page


def page_resolve(*, page: Page, user, note: str) -> Page:
    """Close the page with a note (sealed on the case timeline). Idempotent."""
    note = (note or "").strip()
    if not note:
        raise ValueError("A resolution note is required.")
    with transaction.atomic():
        page = Page.objects.select_for_update(of=("self",)).get(pk=page.pk)
        if page.status == Page.Status.RESOLVED:
            return page
        now = _now()
        page.status = Page.Status.RESOLVED
        page.resolved_at = now
        page.resolved_by = user
        if page.acknowledged_at is None:
            page.acknowledged_at = now
            page.acknowledged_by = user
            page.first_acknowledged_at = page.first_acknowledged_at or now
        page.next_action_at = None
        page.fence += 1
        page.save()
        Notification.objects.filter(page=page, status=Notification.Status.PENDING).update(
            status=Notification.Status.SKIPPED
        )
        paging_signals.page_resolved.send(sender=Page, page=page, actor=user, note=note)
        return page


def ack_link_use(*, link_id) -> tuple[Page | None, bool]:
    """Acknowledge through a single-use link: (page, True) the first time only."""
    with transaction.atomic():
        used = AckLink.objects.filter(pk=link_id, used_at__isnull=True).update(used_at=_now())
        link = AckLink.objects.select_related("page", "user").filter(pk=link_id).first()
        if link is None:
            return None, False
        if not used:
            return link.page, False
        page = page_acknowledge(page=link.page, user=link.user, via="link")
        return page, True
