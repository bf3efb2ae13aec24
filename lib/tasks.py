"""Celery tasks of the shared helpers."""

from celery import shared_task

from lib import health


@shared_task(acks_late=True, ignore_result=True)
def record_worker_heartbeat() -> None:
    """Beat sends this every 30 s; a stale row means no worker or no beat."""
    health.record_heartbeat()
