"""Beat task of the console: release overdue claimed cases (every minute)."""

from __future__ import annotations

import logging

from celery import shared_task

from cases.services import cases_release_overdue

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def release_overdue_cases() -> int:
    """Idempotent: a released case is no longer claimed, so a redelivery finds nothing."""
    released = cases_release_overdue()
    if released:
        logger.warning("released %d overdue claimed case(s) back to the queue", len(released))
    return len(released)
