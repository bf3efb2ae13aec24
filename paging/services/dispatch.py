"""Handing a page's work to Celery after commit, by task object.

The entry points (``pages.page_raise``, the one-tap ``actions``) call these inside
their transaction; the tasks import only the services below them (``escalation``,
``notify``, ``watch``), never these, so no module imports back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.db import connections, transaction

from paging import tasks
from paging.services import escalation

logger = logging.getLogger(__name__)


def page_deliver_after_commit(page_id) -> None:
    """Once the page commits, hand its first step to a worker (or send it from here)."""
    page_id = str(page_id)
    transaction.on_commit(lambda: _deliver(page_id), robust=True)


def _deliver(page_id: str) -> None:
    if not tasks.enqueue(tasks.deliver_page, page_id):
        deliver_page_here(page_id)


def notifications_send_after_commit(notification_ids: Iterable[str]) -> None:
    ids = [str(pk) for pk in notification_ids]
    if ids:
        transaction.on_commit(lambda: tasks.enqueue_sends(ids), robust=True)


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
    try:
        escalation.page_deliver(page_id=page_id)
    except Exception:  # the tick re-runs the step once the broker is back
        logger.exception("paging: sending a page from the web process failed")
    finally:
        connections.close_all()  # this thread's own connections
