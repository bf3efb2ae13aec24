"""Four writers with their own PostgreSQL connections leave one valid chain."""

import itertools
import threading

import pytest
from django.db import connection

from audit.models import AccessEvent
from audit.services import record_access, verify_chain

WRITERS = 4
EVENTS_EACH = 40


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_writers_leave_one_gapless_valid_chain():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(EVENTS_EACH):
                record_access(
                    action=AccessEvent.Action.VIEW,
                    object_type="cases.Case",
                    object_id=f"{number}-{n}",
                )
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    sequences = list(AccessEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS * EVENTS_EACH + 1))
    report = verify_chain()
    assert report.ok, report
    assert report.count == WRITERS * EVENTS_EACH
    # The writers really interleaved (otherwise this test proves nothing about locking).
    writers_in_order = [
        object_id.split("-")[0]
        for object_id in AccessEvent.objects.order_by("sequence").values_list(
            "object_id", flat=True
        )
    ]
    switches = sum(1 for a, b in itertools.pairwise(writers_in_order) if a != b)
    assert switches >= WRITERS - 1
