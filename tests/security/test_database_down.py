"""While the database is down, a patient gets "please try again", never a stack trace,
and sending the same page again once it is back stores what they typed.

The outage is real for this process: the connection is closed and pointed at a port
where nothing listens, so psycopg itself fails to connect (session, draft, everything).
"""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test import Client

from intake import spamguard
from intake.models import Intake
from tests.factories.intake import form_token, give_consent, intake_env, step_url  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("intake_env")]

CONTACT = {
    "full_name": "Ottoline Baptiste-Marr",
    "date_of_birth": "1990-03-27",
    "phone": "555-010-0177",
    "email": "ottoline@example.org",
    "preferred_contact": "phone",
    "voicemail_ok": "yes",
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_down():
    """A context that makes every new connection of this process fail, then restores it."""

    class Outage:
        def __enter__(self):
            self.port = connection.settings_dict["PORT"]
            connection.close()
            connection.settings_dict["PORT"] = str(_closed_port())
            return self

        def __exit__(self, *exc):
            connection.close()
            connection.settings_dict["PORT"] = self.port
            return False

    return Outage()


def test_a_patient_sees_please_try_again_and_the_retry_keeps_the_answers(database_down):
    client = Client(raise_request_exception=False)
    give_consent(client)

    # The page was shown (its spam-guard token made) before the database went away.
    page = {spamguard.TIMESTAMP_FIELD: form_token(client, "contact"), **CONTACT}
    with database_down:
        response = client.post(step_url("contact"), page)

    html = response.content.decode()
    assert response.status_code == 500
    assert "Please try again" in html
    assert "Nothing you already sent us has been lost" in html
    assert "988" in html  # crisis lines even on the error page
    for leak in ("Traceback", "OperationalError", "psycopg", "connection", CONTACT["full_name"]):
        assert leak not in html

    # The browser's "send again" re-posts the same form once the database is back.
    retry = client.post(step_url("contact"), page)

    assert retry.status_code == 302
    assert retry["Location"] == step_url("reason")
    intake = Intake.objects.get()
    assert intake.full_name == CONTACT["full_name"]
    assert intake.phone == CONTACT["phone"]


def test_health_check_reports_the_database_down(database_down):
    client = Client(raise_request_exception=False)

    with database_down:
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
