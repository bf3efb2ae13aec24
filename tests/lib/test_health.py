import logging
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lib import health
from lib.models import WorkerHeartbeat
from lib.tasks import record_worker_heartbeat

pytestmark = pytest.mark.django_db


def test_it_reports_ok_when_database_broker_and_worker_answer(client):
    health.record_heartbeat("worker-1")

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True}
    assert body["checks"]["worker"]["ok"] is True


def test_it_reports_503_when_the_broker_is_unreachable(client, settings):
    health.record_heartbeat("worker-1")
    # Nothing listens on port 1: the broker check must fail fast, not hang.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    started = time.monotonic()
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert time.monotonic() - started < 10


def test_it_reports_503_when_the_worker_heartbeat_is_stale(client, settings):
    WorkerHeartbeat.objects.create(
        hostname="old-worker", beat_at=timezone.now() - timedelta(minutes=10)
    )
    settings.WORKER_HEARTBEAT_MAX_AGE = 120

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_it_reports_503_before_any_worker_has_run(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no heartbeat yet"}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_heartbeat_task(start_celery):
    start_celery("worker")

    record_worker_heartbeat.delay()

    deadline = time.monotonic() + 20
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert WorkerHeartbeat.objects.count() == 1


def _errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_in_the_first_heartbeat_interval_it_says_starting_without_an_error_log(
    client, caplog, monkeypatch
):
    monkeypatch.setattr(health, "_seconds_since_start", lambda: 5.0)

    with caplog.at_level(logging.INFO):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503  # not ready yet, for a load balancer
    assert response.json()["status"] == "starting"
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no heartbeat yet"}
    assert _errors(caplog) == []


def test_a_stale_heartbeat_from_before_a_restart_is_starting_too(client, monkeypatch):
    WorkerHeartbeat.objects.create(hostname="yesterday", beat_at=timezone.now() - timedelta(days=1))
    monkeypatch.setattr(health, "_seconds_since_start", lambda: 5.0)

    assert client.get(reverse("healthz")).json()["status"] == "starting"


def test_after_the_first_interval_a_missing_heartbeat_is_degraded_and_logged(
    client, caplog, monkeypatch
):
    monkeypatch.setattr(health, "_seconds_since_start", lambda: health.starting_window() + 1)

    with caplog.at_level(logging.INFO):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert any("/healthz" in message for message in _errors(caplog))


def test_starting_never_hides_a_broker_that_is_down(client, settings, monkeypatch):
    monkeypatch.setattr(health, "_seconds_since_start", lambda: 5.0)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"


def test_the_starting_window_is_twice_the_heartbeat_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {"worker-heartbeat": {"schedule": 30.0}}

    assert health.starting_window() == 60.0
