"""Celery tasks of paging. They take ids, re-read the rows and call a service.

The database drives everything: ``escalation_tick`` (beat, every few seconds) finds
what is due, so a task lost with the broker or a killed worker costs seconds only.
The services these call enqueue nothing: what they return to send, the task sends
(``enqueue_sends``), and a failed send schedules its own retry.
"""

from __future__ import annotations

from collections.abc import Iterable

from celery import current_app, shared_task
from celery.signals import celeryd_after_setup
from django.utils import timezone

from lib.enqueue import enqueue as enqueue_task
from paging.models import Notification
from paging.services import escalation, notify, watch


def paging_queue(app=None) -> str:
    """The queue of paging's tasks: "<default queue>.paging".

    Every worker also consumes it (``consume_paging_queue``, whatever its ``-Q``), so a
    page never waits behind a long line of other work on the default queue.
    """
    return f"{(app or current_app).conf.task_default_queue}.paging"


def enqueue(task, object_id, countdown: float | None = None) -> bool:
    """Hand one of these tasks an id, on the paging queue; False when the broker is down."""
    return enqueue_task(task, str(object_id), countdown=countdown, queue=paging_queue())


def enqueue_sends(notification_ids: Iterable[str]) -> None:
    for notification_id in notification_ids:
        enqueue(send_notification, notification_id)


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
    escalation.page_deliver(page_id=page_id)


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: str) -> None:
    """Send one notification; after a failure, come back when its backoff ends."""
    status = notify.notification_send(notification_id=notification_id)
    if status == Notification.Status.PENDING:
        due = notify.notification_due_at(notification_id=notification_id)
        if due is not None:
            wait = max((due - timezone.now()).total_seconds(), 0.0)
            enqueue(send_notification, notification_id, countdown=wait)


@shared_task(acks_late=True, ignore_result=True)
def escalation_tick() -> None:
    """Advance every due page and send its new notifications and the stuck ones."""
    enqueue_sends(watch.escalation_tick())


@shared_task(acks_late=True, ignore_result=True)
def shift_confirmation_tick() -> None:
    enqueue_sends(watch.shift_confirmation_tick())


@shared_task(acks_late=True, ignore_result=True)
def coverage_gap_tick() -> None:
    enqueue_sends(watch.coverage_gap_tick())


@shared_task(acks_late=True, ignore_result=True)
def watch_paging() -> None:
    """Watching the watcher: ping PAGING_HEARTBEAT_URL only when nothing is late."""
    watch.watch_paging()
