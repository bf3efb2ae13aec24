"""Celery tasks of the conversation: thin shells that take ids and call a service.

They import the services below them (``notices``, ``scanning``); ``messaging.services``
imports these to enqueue them by object after commit, never the other way.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cases.tasks import SCAN_OF_RECORD_OPTIONS
from lib.enqueue import enqueue
from messaging import notices, scanning
from messaging.models import PatientNotice


@shared_task(**SCAN_OF_RECORD_OPTIONS)
def scan_message_of_record(message_id: str) -> None:
    """The crisis scan of record of one patient message."""
    scanning.message_scan_of_record(message_id=message_id)


@shared_task(acks_late=True, ignore_result=True)
def send_patient_notice(notice_id: str) -> None:
    """Send one notice; after a failure, come back when its backoff ends."""
    if notices.notice_send(notice_id=notice_id) == PatientNotice.Status.PENDING:
        due = notices.notice_due_at(notice_id=notice_id)
        if due is not None:
            wait = max((due - timezone.now()).total_seconds(), 0.0)
            enqueue(send_patient_notice, str(notice_id), countdown=wait)


@shared_task(acks_late=True, ignore_result=True, expires=60)
def sweep_conversations() -> None:
    """Beat: re-dispatch scans that never ran and notices a lost task left behind."""
    for message_id in scanning.messages_missing_scan():
        enqueue(scan_message_of_record, str(message_id))
    for notice_id in notices.notices_due():
        enqueue(send_patient_notice, str(notice_id))
