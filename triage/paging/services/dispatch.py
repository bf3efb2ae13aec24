"""Handing ids to Celery after commit, without ever failing the caller."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def paging_queue(app=None) -> str:
    """The queue of paging's tasks: "<default queue>.paging".

    Every worker also consumes it (``triage.paging.tasks`` adds it when the worker
    starts, whatever its ``-Q``), so a page never waits behind a long line of other
    work on the default queue: the worker alternates between the two.
    """
    if app is None:
        from celery import current_app as app
    return f"{app.conf.task_default_queue}.paging"


def _send(task_name: str, object_id: str, countdown: float | None = None) -> None:
    from triage.paging import tasks

    task = getattr(tasks, task_name)
    try:
        # retry=False: with the broker down, fail fast; the beat tick re-dispatches
        # from the database, so the page is delayed by seconds, never lost.
        task.apply_async((str(object_id),), countdown=countdown, retry=False, queue=paging_queue())
    except Exception as exc:  # any broker error: the row is committed, the tick has it
        logger.warning("paging: %s not enqueued (%s); the tick will pick it up", task_name,
                       type(exc).__name__)  # fmt: skip


def enqueue_after_commit(task_name: str, object_id, countdown: float | None = None) -> None:
    transaction.on_commit(lambda: _send(task_name, object_id, countdown), robust=True)


def enqueue_now(task_name: str, object_id, countdown: float | None = None) -> None:
    _send(task_name, object_id, countdown)
