import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from triage import health
from triage.models import WorkerHeartbeat
from triage.tasks import record_worker_heartbeat

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
