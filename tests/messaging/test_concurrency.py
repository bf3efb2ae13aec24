"""The inline scan and the scan of record at the same moment: one page, signals once."""

import threading

import pytest
from django.db import connection

from cases.models import CrisisSignal
from messaging import scanning
from paging.models import Page
from tests.factories.cases import make_case, make_team
from tests.factories.messaging import CRISIS, make_conversation, make_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_scans_of_one_crisis_message_page_once():
    conversation = make_conversation(make_case(team=make_team("north")))
    message = make_message(conversation, body=CRISIS)
    start = threading.Barrier(4)
    errors = []

    def scan():
        try:
            start.wait()
            scanning.message_scan_of_record(message_id=message.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert not errors
    signals = CrisisSignal.objects.filter(source="message", source_id=str(message.pk))
    assert signals.exists()
    assert len({(s.rule_id, s.span_start) for s in signals}) == signals.count()
    assert Page.objects.filter(case=conversation.case).count() == 1
    assert Page.objects.get().signals.count() == signals.count()
