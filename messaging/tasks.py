"""Celery tasks of the conversation: thin shells that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from cases.tasks import SCAN_OF_RECORD_OPTIONS
from messaging import notices, scanning


@shared_task(**SCAN_OF_RECORD_OPTIONS)
def scan_message_of_record(message_id: str) -> None:
    """The crisis scan of record of one patient message."""
    scanning.message_scan_of_record(message_id=message_id)


@shared_task(acks_late=True, ignore_result=True)
def send_patient_notice(notice_id: str) -> None:
    notices.notice_send(notice_id=notice_id)


@shared_task(acks_late=True, ignore_result=True, expires=60)
def sweep_conversations() -> None:
    """Beat: re-dispatch scans that never ran and notices a lost task left behind."""
    for message_id in scanning.messages_missing_scan():
        scan_message_of_record.apply_async((str(message_id),), retry=False)
    for notice_id in notices.notices_due():
        send_patient_notice.apply_async((str(notice_id),), retry=False)
