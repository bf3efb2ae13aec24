import datetime as dt
import socket

import pytest
from django.core import mail
from django.utils import timezone

from paging.models import Notification, Page
from paging.services import page_acknowledge, page_advance, page_raise
from paging.services.notify import notification_send, notifications_redispatch
from tests.factories.paging import make_crisis_case, make_oncall_team, make_webhook
from tests.paging.receivers import WebhookReceiver

pytestmark = pytest.mark.django_db


def _page_with_notifications(team=None):
    team = team or make_oncall_team()[0]
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    page_advance(page_id=page.pk)
    return page


def _one(page, channel):
    return Notification.objects.get(page=page, channel=channel)


def test_the_email_carries_a_reference_and_links_but_no_phi():
    page = _page_with_notifications()

    status = notification_send(notification_id=_one(page, "email").pk)

    assert status == "sent"
    [message] = mail.outbox
    assert page.reference in message.subject
    assert "Test Patient" not in message.subject + message.body  # the intake's name
    assert "suicid" not in (message.subject + message.body).lower()
    assert "https://console.example/paging/ack/" in message.body
    assert f"https://console.example/console/paging/pages/{page.pk}/" in message.body
    n = _one(page, "email")
    assert n.attempt == 1 and n.provider_message_id and n.sent_at
    page.refresh_from_db()
    assert page.first_notified_at == n.sent_at


def test_a_notification_is_sent_once_however_often_its_task_runs():
    page = _page_with_notifications()
    n = _one(page, "email")

    results = [notification_send(notification_id=n.pk) for _ in range(3)]

    assert results == ["sent", "not-claimed", "not-claimed"]
    assert len(mail.outbox) == 1


def test_a_notification_claimed_by_a_live_worker_is_not_sent_by_another():
    page = _page_with_notifications()
    n = _one(page, "email")
    Notification.objects.filter(pk=n.pk).update(
        status="sending", lease_until=timezone.now() + dt.timedelta(seconds=30), attempt=1
    )

    assert notification_send(notification_id=n.pk) == "not-claimed"
    assert notifications_redispatch() == []
    assert mail.outbox == []


def test_a_send_whose_worker_died_is_handed_out_again_after_its_lease():
    page = _page_with_notifications()
    n = _one(page, "email")
    Notification.objects.filter(pk=n.pk).update(
        status="sending", lease_until=timezone.now() - dt.timedelta(seconds=1), attempt=1
    )

    assert notifications_redispatch() == [str(n.pk)]
    assert notification_send(notification_id=n.pk) == "sent"

    n.refresh_from_db()
    assert n.attempt == 2 and n.status == "sent"
    assert len(mail.outbox) == 1


def test_the_console_alert_is_sent_by_marking_it_visible():
    page = _page_with_notifications()

    assert notification_send(notification_id=_one(page, "console").pk) == "sent"


def test_notifications_of_an_acknowledged_page_are_not_sent():
    team, nurse, *_ = make_oncall_team()
    page = _page_with_notifications(team)
    n = _one(page, "email")
    Notification.objects.filter(pk=n.pk).update(status="pending")
    page_acknowledge(page=page, user=nurse)
    Notification.objects.filter(pk=n.pk).update(status="pending")  # a retry already queued

    assert notification_send(notification_id=n.pk) == "skipped"
    assert mail.outbox == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_webhook_is_retried_with_backoff_then_given_up(settings):
    settings.PAGING_MAX_ATTEMPTS = 2
    team, *_ = make_oncall_team()
    make_webhook(f"http://127.0.0.1:{_closed_port()}/hook")
    page = _page_with_notifications(team)
    n = _one(page, "webhook")

    before = timezone.now()
    assert notification_send(notification_id=n.pk) == "pending"
    n.refresh_from_db()
    assert n.attempt == 1 and "webhook" in n.error
    assert n.next_try_at >= before + dt.timedelta(seconds=2)
    assert notification_send(notification_id=n.pk) == "not-claimed"  # not due yet

    Notification.objects.filter(pk=n.pk).update(next_try_at=timezone.now())
    assert notification_send(notification_id=n.pk) == "failed"


def test_the_webhook_is_signed_with_hmac_sha256_and_verified_by_a_real_server():
    team, *_ = make_oncall_team()
    with WebhookReceiver("test-webhook-secret") as receiver:
        make_webhook(receiver.url, team=team)
        page = _page_with_notifications(team)
        n = _one(page, "webhook")

        assert notification_send(notification_id=n.pk) == "sent"

    [request] = receiver.requests
    assert request["valid"]
    assert request["key"] == n.attempt_key
    body = request["body"]
    assert body["reference"] == page.reference
    assert body["recipient"]["username"] == "north-nurse"
    assert body["links"]["acknowledge"].startswith("https://console.example/paging/ack/")
    assert "Test Patient" not in str(body)
    n.refresh_from_db()
    assert n.provider_message_id == "gw-1"


def test_a_webhook_signed_with_the_wrong_secret_is_refused_by_the_receiver(settings):
    settings.PAGING_WEBHOOK_SECRET = "not-the-shared-secret"
    team, *_ = make_oncall_team()
    with WebhookReceiver("test-webhook-secret") as receiver:
        make_webhook(receiver.url, team=team)
        page = _page_with_notifications(team)
        n = _one(page, "webhook")

        assert notification_send(notification_id=n.pk) == "pending"

    assert receiver.requests[0]["valid"] is False
    n.refresh_from_db()
    assert n.error == "webhook: HTTP 401"


def test_first_notification_time_is_the_earliest_sent():
    page = _page_with_notifications()
    for n in Notification.objects.filter(page=page):
        notification_send(notification_id=n.pk)

    page.refresh_from_db()
    first = Notification.objects.filter(page=page).order_by("sent_at").first().sent_at
    assert page.first_notified_at == first
    assert Page.objects.get(pk=page.pk).status == "triggered"
