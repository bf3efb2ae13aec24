"""The write paths of a page: raise, advance (escalate), acknowledge, resolve."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from paging import signals as paging_signals
from paging.models import AckLink, Notification, Page, PageCase
from paging.services import grouping
from paging.services import policy as policies
from paging.services.dispatch import enqueue_after_commit
from paging.services.fanout import notifications_fan_out

if TYPE_CHECKING:
    from cases.models import Case, CrisisSignal

logger = logging.getLogger(__name__)


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
        enqueue_after_commit("deliver_page", page.pk)
        return page


def _open_page(key: str) -> Page | None:
    return (
        Page.objects.select_for_update(of=("self",))
        .filter(dedup_key=key)
        .exclude(status=Page.Status.RESOLVED)
        .first()
    )


def _steps(page: Page) -> list[dict]:
    return page.policy_snapshot.get("steps") or [
        {"delay": 0, "target": "team", "user_id": None, "channels": policies.ALL_CHANNELS}
    ]


def _related(model, name: str):
    """The model at the end of relation ``name``: paging sits below cases and imports
    none of its modules, it reaches cases (and their choices) through its relations."""
    return model._meta.get_field(name).related_model


def _action_taken_since(page: Page, since: dt.datetime) -> bool:
    """True when every case of the page (its own and any grouped onto it) is no longer
    open or was actioned since: a group is not settled by acting on one of its cases."""
    case_model = _related(Page, "case")
    event_kinds = _related(case_model, "events").Kind
    case_ids = [page.case_id]
    if page.case_count > 1:
        case_ids += list(PageCase.objects.filter(page=page).values_list("case_id", flat=True))
    cases = case_model.objects.filter(pk__in=case_ids, status=case_model.Status.OPEN)
    open_ids = set(cases.values_list("pk", flat=True))
    if not open_ids:
        return True
    # A contact attempt or a note counts as action, and only what a person did: a
    # system note (e.g. the patient updating contact details) must not pause escalation.
    acted = set(
        cases.filter(
            events__kind__in=[event_kinds.CONTACT_ATTEMPT, event_kinds.NOTE],
            events__created_at__gt=since,
            events__actor__isnull=False,
        ).values_list("pk", flat=True)
    )
    return open_ids <= acted


def _notify_step(page: Page, step_no: int, step: dict, now: dt.datetime) -> list[str]:
    recipients = policies.step_recipients(page.team, step, now)
    if any(r.fallback for r in recipients):
        page.fallback_used = True
    created = notifications_fan_out(
        kind=Notification.Kind.PAGE,
        team=page.team,
        recipients=recipients,
        channels=step.get("channels", policies.ALL_CHANNELS),
        key_prefix=f"page:{page.pk}:{page.cycle}:{step_no}",
        page=page,
        step=step_no,
        now=now,
    )
    if not created:
        logger.error("paging: page %s step %s reached nobody", page.pk, step_no)
    return created


def page_advance(*, page_id, now: dt.datetime | None = None, dispatch: bool = True) -> list[str]:
    """Run whatever is due for one page; returns the ids of new notifications.

    With ``dispatch`` the notifications are handed to Celery after commit; without,
    the caller sends them itself (the tick re-dispatches any it fails to send).

    Safe to call from any number of workers at once: the row is locked with
    SKIP LOCKED and the due time re-checked under the lock, so each step runs once.
    """
    now = now or _now()
    with transaction.atomic():
        page = (
            Page.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("team")
            .filter(pk=page_id, next_action_at__lte=now)
            .exclude(status=Page.Status.RESOLVED)
            .first()
        )
        if page is None:
            return []
        steps = _steps(page)
        if page.status == Page.Status.ACKNOWLEDGED:
            if _action_taken_since(page, page.acknowledged_at):
                page.next_action_at = None
                page.fence = F("fence") + 1
                page.save(update_fields=["next_action_at", "fence"])
                return []
            # Acknowledged but nobody acted: back to triggered, the next step runs now.
            page.status = Page.Status.TRIGGERED
            page.round_started_at = now - dt.timedelta(seconds=steps[page.step_index]["delay"])
            paging_signals.page_lapsed.send(sender=Page, page=page, actor=None)
        created: list[str] = []
        due = page.round_started_at + dt.timedelta(seconds=steps[page.step_index]["delay"])
        while due <= now:
            created += _notify_step(page, page.step_index, steps[page.step_index], now)
            page.last_step_at = now
            page.step_index += 1
            if page.step_index >= len(steps):
                # Round over: repeat from the first step until someone acknowledges.
                last = page.round_started_at + dt.timedelta(seconds=steps[-1]["delay"])
                page.round_started_at = max(
                    last + dt.timedelta(seconds=page.policy_snapshot.get("repeat_after", 300)),
                    now + dt.timedelta(seconds=1),
                )
                page.step_index = 0
                page.cycle += 1
                due = page.round_started_at + dt.timedelta(seconds=steps[0]["delay"])
                break
            due = page.round_started_at + dt.timedelta(seconds=steps[page.step_index]["delay"])
        page.next_action_at = due
        page.fence += 1
        page.save()
        if dispatch:
            for notification_id in created:
                enqueue_after_commit("send_notification", notification_id)
        return created


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
