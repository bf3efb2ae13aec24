"""Handing ids to Celery after commit, without ever failing the caller."""

from __future__ import annotations

import logging
import threading

from django.db import connections, transaction

logger = logging.getLogger(__name__)


def paging_queue(app=None) -> str:
    """The queue of paging's tasks: "<default queue>.paging".

    Every worker also consumes it (``paging.tasks`` adds it when the worker
    starts, whatever its ``-Q``), so a page never waits behind a long line of other
    work on the default queue: the worker alternates between the two.
    """
    if app is None:
        from celery import current_app as app
    return f"{app.conf.task_default_queue}.paging"


def _send(task_name: str, object_id: str, countdown: float | None = None) -> None:
    from paging import tasks

    task = getattr(tasks, task_name)
    try:
        # retry=False: with the broker down, fail fast; the beat tick re-dispatches
        # from the database, so the page is delayed by seconds, never lost.
        task.apply_async((str(object_id),), countdown=countdown, retry=False, queue=paging_queue())
    except Exception as exc:  # any broker error: the row is committed, the tick has it
        logger.warning("paging: %s not enqueued (%s); the tick will pick it up", task_name,
                       type(exc).__name__)  # fmt: skip
        if task_name == "deliver_page":
            deliver_page_here(str(object_id))


def deliver_page_here(page_id: str) -> threading.Thread:
    """Send a new page's first step from this process, beside the request that raised it.

    With the broker down no worker hears of the page, and beat cannot tick either, so
    the page would wait for the whole outage: a nurse must not. The web process needs
    only the database and the channels (e-mail, webhook, console) to send it. A thread,
    so the patient's crisis page is not held up by a slow gateway. Safe beside a worker
    doing the same: the page row is locked while its step runs and each notification is
    claimed before it is sent, so nothing goes out twice.
    """
    thread = threading.Thread(
        target=_deliver_page, args=(page_id,), name=f"page-{page_id}", daemon=True
    )
    thread.start()
    return thread


def _deliver_page(page_id: str) -> None:
    from paging.services import notify, pages

    try:
        notify.notifications_send_now(pages.page_advance(page_id=page_id, dispatch=False))
    except Exception:  # the tick re-runs the step once the broker is back
        logger.exception("paging: sending a page from the web process failed")
    finally:
        connections.close_all()  # this thread's own connections


def enqueue_after_commit(task_name: str, object_id, countdown: float | None = None) -> None:
    transaction.on_commit(lambda: _send(task_name, object_id, countdown), robust=True)


def enqueue_now(task_name: str, object_id, countdown: float | None = None) -> None:
    _send(task_name, object_id, countdown)
