"""Nothing lost: real Redis, real worker and beat processes, real faults.

Each test raises a crisis page in this process (committed to the test database the
processes share) and checks the deliveries that arrive at a real signed-webhook
receiver and in the database: every step exactly once.
"""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from django.db import transaction

from config.celery import app as celery_app
from paging.models import EscalationStep, Notification, Page
from paging.services import page_raise
from tests.factories.paging import make_crisis_case, make_oncall_team, make_policy, make_webhook
from tests.paging.processes import PrivateRedis
from tests.paging.receivers import WebhookReceiver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SECRET = "integration-webhook-secret"
FAST = {
    "PAGING_TICK_SECONDS": "1",
    "PAGING_SEND_LEASE_SECONDS": "6",
    "PAGING_REDISPATCH_AFTER_SECONDS": "2",
    "PAGING_WEBHOOK_SECRET": SECRET,
    "PAGING_WEBHOOK_TIMEOUT": "30",
    "EMAIL_URL": "consolemail://",
    "SITE_URL": "http://console.test",
}


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@contextlib.contextmanager
def publishing_to(url: str):
    """Make this process's Celery app publish to ``url`` (and drop pooled connections)."""

    def reset() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    old = celery_app.conf.broker_url, celery_app.conf.broker_write_url
    reset()
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    try:
        yield
    finally:
        reset()
        celery_app.conf.broker_url, celery_app.conf.broker_write_url = old


def raise_page(team, crisis=None) -> Page:
    case, signals = crisis or make_crisis_case(team)
    with transaction.atomic():
        page = page_raise(case=case, signals=signals)
    return page


def sent_per_step(page: Page) -> dict[int, int]:
    counts: dict[int, int] = {}
    for n in Notification.objects.filter(page=page, status="sent"):
        counts[n.step] = counts.get(n.step, 0) + 1
    return counts


def assert_each_notification_delivered_once(page: Page, receiver: WebhookReceiver) -> None:
    rows = list(Notification.objects.filter(page=page))
    assert rows and all(n.status == "sent" for n in rows), [(n.attempt_key, n.status) for n in rows]
    assert len({n.attempt_key for n in rows}) == len(rows)
    webhook_keys = {n.attempt_key for n in rows if n.channel == "webhook"}
    assert set(receiver.accepted) == webhook_keys
    assert all(count == 1 for count in receiver.accepted.values()), receiver.accepted
    assert receiver.duplicates == []
    assert all(r["valid"] for r in receiver.requests)


@pytest.fixture(autouse=True)
def _role_groups():
    # A transactional test's flush also empties the groups the migrations created.
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def _join_page_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("page-"):
            thread.join(timeout=30)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def test_a_page_raised_while_redis_is_down_is_sent_by_the_web_process_and_only_once(
    start_celery, private_redis, caplog, settings
):
    settings.PAGING_WEBHOOK_SECRET = SECRET  # this process sends too, signed like the worker
    settings.SITE_URL = FAST["SITE_URL"]
    team, *_ = make_oncall_team()
    make_policy(team, [(0, EscalationStep.Target.PRIMARY, None)])
    with WebhookReceiver(SECRET) as receiver:
        make_webhook(receiver.url, team=team)
        env = {**FAST, "CELERY_BROKER_URL": private_redis.url}
        start_celery("worker", **env)
        start_celery("beat", **env)
        private_redis.stop()

        crisis = make_crisis_case(team)
        with publishing_to(private_redis.url):
            started = time.monotonic()
            page = raise_page(team, crisis)  # the enqueue after commit fails: the broker is down
            # and fails fast: not the 6 s and more of kombu's default connection retries
            assert time.monotonic() - started < 3.0

        assert "deliver_page not enqueued" in caplog.text
        # No worker can hear of it: this process sends the first step itself, at once.
        wait_for(lambda: sent_per_step(page).get(0) == 3, 10, "delivery with the broker down")
        _join_page_threads()

        private_redis.start()  # the worker and beat reconnect and tick
        time.sleep(5)  # any duplicate would show up now

    assert_each_notification_delivered_once(page, receiver)
    page.refresh_from_db()
    assert page.first_notified_at is not None


def test_a_worker_killed_mid_send_still_delivers_every_step_exactly_once(start_celery):
    team, *_ = make_oncall_team()
    make_policy(
        team,
        [(0, EscalationStep.Target.PRIMARY, None), (3, EscalationStep.Target.BACKUP, None)],
        repeat_after=_hours(1),
    )
    # The first webhook request is held 12 s and then dropped: the worker is killed
    # while it waits for the answer.
    with WebhookReceiver(SECRET, stall_first=12) as receiver:
        make_webhook(receiver.url, team=team)
        first = start_celery("worker", **FAST)
        start_celery("beat", **FAST)

        page = raise_page(team)
        wait_for(lambda: len(receiver.requests) >= 1, 30, "the first webhook request")
        first.proc.send_signal(9)  # SIGKILL in the middle of sending
        first.proc.wait(timeout=10)
        stalled_key = receiver.requests[0]["key"]
        assert Notification.objects.get(attempt_key=stalled_key).status == "sending"

        start_celery("worker", **FAST)
        wait_for(
            lambda: (
                sent_per_step(page) == {0: 3, 1: 3}
                and Notification.objects.filter(page=page).count() == 6
            ),
            60,
            "both steps delivered after a new worker started",
        )
        time.sleep(3)

    assert_each_notification_delivered_once(page, receiver)
    assert Notification.objects.get(attempt_key=stalled_key).attempt == 2
    assert [r["key"] for r in receiver.requests].count(stalled_key) == 2  # dropped, then sent


def test_beat_restarted_between_steps_runs_every_step_exactly_once(start_celery):
    team, *_ = make_oncall_team()
    make_policy(
        team,
        [
            (0, EscalationStep.Target.PRIMARY, None),
            (10, EscalationStep.Target.BACKUP, None),
            (20, EscalationStep.Target.SUPERVISORS, None),
        ],
        repeat_after=_hours(1),
    )
    with WebhookReceiver(SECRET) as receiver:
        make_webhook(receiver.url, team=team)
        start_celery("worker", **FAST)
        beat = start_celery("beat", **FAST)

        page = raise_page(team)
        wait_for(lambda: sent_per_step(page).get(0) == 3, 30, "the first step")
        beat.stop()
        # The second step falls due while no beat runs (ticks already queued expire).
        time.sleep(max(0.0, 14 - (time.time() - page.created_at.timestamp())))
        assert 1 not in sent_per_step(page)

        start_celery("beat", **FAST)
        wait_for(lambda: sent_per_step(page) == {0: 3, 1: 3, 2: 3}, 60, "every step")
        time.sleep(3)

    assert_each_notification_delivered_once(page, receiver)
    assert Notification.objects.filter(page=page).count() == 9


def _hours(n: int):
    import datetime as dt

    return dt.timedelta(hours=n)
