"""Secret link tokens never reach a log line, gunicorn's access log or the audit trail."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from audit.models import AccessEvent
from config.gunicorn_conf import RedactingLogger
from config.redaction import RedactSecretLinks, redact
from tests.factories.intake import intake_env  # noqa: F401 - a fixture
from tests.factories.triage import make_case, make_intake
from triage.intake import tokens

TOKEN = "s3cr3t-Token_value"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/intake/status/{TOKEN}/", "/intake/status/[redacted]/"),
        (f"GET /intake/status/{TOKEN}/messages", "GET /intake/status/[redacted]/messages"),
        (f"https://x.example/paging/ack/{TOKEN}/", "https://x.example/paging/ack/[redacted]/"),
        (f"/paging/shift/{TOKEN}", "/paging/shift/[redacted]"),
        ("/console/cases/7f1c/", "/console/cases/7f1c/"),
        ("/intake/status/", "/intake/status/"),
    ],
)  # fmt: skip
def test_redact_hides_only_the_token_of_secret_links(text, expected):
    assert redact(text) == expected


@pytest.fixture
def console_output():
    """What the configured console handler writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretLinks) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_404_on_a_status_link_is_logged_without_its_token(client, console_output):
    response = client.get(f"/intake/status/{TOKEN}/nothing-here/")

    assert response.status_code == 404
    assert "/intake/status/[redacted]/" in console_output.getvalue()
    assert TOKEN not in console_output.getvalue()


def test_the_gunicorn_access_log_redacts_path_request_line_and_referrer():
    logger = RedactingLogger(Config())
    path = f"/intake/status/{TOKEN}/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://clinic.example{path}",
    }
    resp = SimpleNamespace(status="200 OK", headers=[], sent=10)

    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))

    assert atoms["U"] == "/intake/status/[redacted]/"
    assert TOKEN not in atoms["r"] and TOKEN not in atoms["f"]


@pytest.mark.django_db
@pytest.mark.usefixtures("intake_env")
def test_the_audit_event_of_a_status_page_read_keeps_no_token(client):
    intake = make_intake(answers={"phq9": [0] * 9})
    token = tokens.issue(intake)
    intake.save()
    make_case(intake=intake)

    assert client.get(reverse("intake:status", args=[token])).status_code == 200

    paths = list(AccessEvent.objects.values_list("path", flat=True))
    assert "/intake/status/[redacted]/" in paths
    assert not any(token in p for p in paths)
