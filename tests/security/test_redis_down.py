"""With the cache (Redis in production) down, a patient still gets through the intake:
the rate limit fails open instead of answering 500 (found by benchmarks/faults.py)."""

from __future__ import annotations

import socket

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from intake.models import Intake
from tests.factories.intake import fill_draft, intake_env, submit  # noqa: F401 - fixture


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.usefixtures("intake_env")
def test_a_crisis_intake_goes_through_while_the_cache_is_down(caplog):
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/1",
        }
    }
    client = Client()

    with override_settings(CACHES=dead_redis):
        fill_draft(client, crisis=True)
        response = submit(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:crisis")
    assert Intake.objects.get().status == Intake.Status.SUBMITTED
    assert "intake rate limit skipped: cache unavailable (ConnectionError)" in caplog.text
