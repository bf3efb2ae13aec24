"""Celery tasks: thin shells that take ids and call a service."""

import logging

from celery import shared_task

from cases import scanning, selectors

logger = logging.getLogger(__name__)


# A scan of record must happen: retried with backoff for about ten minutes on any error
# (a database restart), and acknowledged only once done (a killed worker's is redelivered).
SCAN_OF_RECORD_OPTIONS = {
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 10,
}


@shared_task(**SCAN_OF_RECORD_OPTIONS)
def scan_case_of_record(case_id: str) -> None:
    """The crisis scan of record for a case; idempotent, so redelivery is harmless."""
    scanning.case_scan_of_record(case_id=case_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_unscanned_cases() -> None:
    """Re-dispatch scans that never ran (broker down at submission, task lost)."""
    for case_id in selectors.cases_missing_scan()[:500]:
        scan_case_of_record.delay(str(case_id))
