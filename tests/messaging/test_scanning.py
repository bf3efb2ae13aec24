import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CrisisSignal
from messaging import scanning, tasks
from messaging.models import Conversation, Message
from paging.models import Page
from tests.factories.messaging import CRISIS, HOURS, make_message

pytestmark = pytest.mark.django_db


def test_it_marks_a_clean_message_scanned(conversation):
    message = make_message(conversation, body=HOURS)
    assert scanning.message_scan_of_record(message_id=message.pk) == "clean"
    message.refresh_from_db()
    assert message.scan_status == Message.ScanStatus.CLEAN
    assert message.scanned_at is not None


def test_it_stores_signals_silences_and_pages_what_the_inline_scan_missed(conversation):
    message = make_message(conversation, body=CRISIS)
    assert scanning.message_scan_of_record(message_id=message.pk) == "signal"
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.WITH_STAFF
    assert conversation.crisis_message_id == message.pk
    signals = CrisisSignal.objects.filter(source="message", source_id=str(message.pk))
    assert signals.exists()
    assert Page.objects.filter(case=conversation.case).count() == 1


def test_it_is_idempotent(conversation):
    message = make_message(conversation, body=CRISIS)
    scanning.message_scan_of_record(message_id=message.pk)
    count = CrisisSignal.objects.count()
    Message.objects.filter(pk=message.pk).update(scan_status="pending")  # redelivery
    scanning.message_scan_of_record(message_id=message.pk)
    assert CrisisSignal.objects.count() == count
    assert Page.objects.count() == 1


def test_it_does_not_page_again_for_signals_the_inline_scan_stored(case):
    from messaging.services import message_post_from_patient

    message = message_post_from_patient(case=case, body=CRISIS).message
    page = Page.objects.get(case=case)
    before = page.signals.count()
    scanning.message_scan_of_record(message_id=message.pk)
    assert Page.objects.count() == 1
    assert page.signals.count() == before


def test_the_sweep_finds_messages_left_unscanned(conversation, monkeypatch):
    old = make_message(conversation, body=HOURS)
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    make_message(conversation, body="just now")
    assert scanning.messages_missing_scan() == [old.pk]
    sent = []
    monkeypatch.setattr(
        tasks.scan_message_of_record, "apply_async", lambda args, **kw: sent.append(args[0])
    )
    tasks.sweep_conversations()
    assert sent == [str(old.pk)]


def test_it_ignores_a_missing_message():
    import uuid

    assert scanning.message_scan_of_record(message_id=uuid.uuid4()) == "missing"
