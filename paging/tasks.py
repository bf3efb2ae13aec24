"""Celery tasks of paging. They take ids, re-read the rows and call a service.

The database drives everything: ``escalation_tick`` (beat, every few seconds) finds
what is due, so a task lost with the broker or a killed worker costs seconds only.
"""

from __future__ import annotations

from celery import shared_task
from celery.signals import celeryd_after_setup

from paging.services import notify, pages, watch
from paging.services.dispatch import paging_queue


@celeryd_after_setup.connect
def consume_paging_queue(sender, instance, **kwargs) -> None:
    """Every worker consumes the paging queue first, then the queues it was given.

    With the broker option ``queue_order_strategy="priority"`` (settings) a worker
    always takes a waiting page before other work: a crisis page never queues behind
    a backlog of scans. Celery keeps the queues to consume in insertion order, and
    ``select_add`` appends, so the paging queue is moved to the front.
    """
    queues = instance.app.amqp.queues
    paging = queues.select_add(paging_queue(instance.app))
    selected = queues._consume_from if queues._consume_from is not None else None
    selected = selected if selected is not None else queues._default_consume_from
    others = [(name, q) for name, q in selected.items() if name != paging.name]
    selected.clear()
    selected.update([(paging.name, paging), *others])


@shared_task(acks_late=True, ignore_result=True)
def deliver_page(page_id: str) -> None:
    """Run a new page's first step at once (the tick would run it within seconds).

    The first step's notifications are sent right here, console alert first, rather
    than queued behind whatever else the workers have to do: seconds matter. Each
    send is still claimed first, so a redelivery or the tick never sends it twice.
    """
    notify.notifications_send_now(pages.page_advance(page_id=page_id, dispatch=False))


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: str) -> None:
    notify.notification_send(notification_id=notification_id)


@shared_task(acks_late=True, ignore_result=True)
def escalation_tick() -> None:
    """Advance every due page and re-dispatch stuck notifications."""
    watch.escalation_tick()


@shared_task(acks_late=True, ignore_result=True)
def shift_confirmation_tick() -> None:
    watch.shift_confirmation_tick()


@shared_task(acks_late=True, ignore_result=True)
def coverage_gap_tick() -> None:
    watch.coverage_gap_tick()


@shared_task(acks_late=True, ignore_result=True)
def watch_paging() -> None:
    """Watching the watcher: ping PAGING_HEARTBEAT_URL only when nothing is late."""
    watch.watch_paging()
