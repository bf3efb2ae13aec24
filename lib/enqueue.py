"""Handing a task to the broker without ever failing the caller.

Whatever is enqueued here is already a committed row (a page, a notification, a
message to scan): with the broker down the send fails fast and the periodic sweep
of its app re-dispatches from the database, so the work is delayed, never lost.
"""

from __future__ import annotations

import logging

from celery import Task

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args, countdown: float | None = None, queue: str | None = None) -> bool:
    """``task.apply_async(args)``; False (logged, no PHI: ids only) when it did not go."""
    options: dict = {"countdown": countdown, "retry": False}  # retry=False: fail fast
    if queue is not None:
        options["queue"] = queue
    try:
        task.apply_async(args, **options)
    except Exception as exc:  # any broker error: the row is committed, the sweep has it
        name = task.name.rsplit(".", 1)[-1]
        logger.warning("%s not enqueued (%s); the sweep will pick it up", name,
                       type(exc).__name__)  # fmt: skip
        return False
    return True
