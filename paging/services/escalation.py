"""Escalation: running a page's due step and making its notifications.

Below the entry points (``pages``, ``actions``) and the tasks: it enqueues nothing,
it returns the ids of the notifications it made and its caller sends them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from paging import signals as paging_signals
from paging.models import Notification, Page, PageCase
from paging.services import notify
from paging.services import policy as policies
from paging.services.fanout import notifications_fan_out

logger = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return timezone.now()


def steps_of(page: Page) -> list[dict]:
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


def page_advance(*, page_id, now: dt.datetime | None = None) -> list[str]:
    """Run whatever is due for one page; returns the ids of new notifications.

    The caller sends them (a task, or ``dispatch.notifications_send_after_commit``);
    the tick re-dispatches any that nobody sent.

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
        steps = steps_of(page)
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
        return created


def page_deliver(*, page_id) -> None:
    """Run a new page's first step and send it from this process, console alert first.

    Each send is claimed first, so a redelivered task, the tick, or a web process doing
    the same with the broker down never sends a notification twice.
    """
    notify.notifications_send_now(page_advance(page_id=page_id))
