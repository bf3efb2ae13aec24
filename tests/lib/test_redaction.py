"""Secret link tokens never reach a log line, gunicorn's access log or the audit trail."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from gunicorn.config import Config

from audit.models import AccessEvent
from config.gunicorn_conf import RedactingLogger
from intake import tokens
from lib.redaction import RedactSecretLinks, redact
from tests.factories.cases import make_case, make_intake
from tests.factories.intake import intake_env  # noqa: F401 - a fixture

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


def test_the_gunicorn_access_log_redacts_every_atom_a_format_could_name():
    # Status-link pages now send their Referer (token included) to this site: any
    # format naming the Referer header, the environ or a redirect must not log it.
    logger = RedactingLogger(Config())
    path = f"/intake/status/{TOKEN}/conversation/"
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://clinic.example{path}",
    }
    resp = SimpleNamespace(status="302 Found", headers=[("Location", path)], sent=0)
    req = SimpleNamespace(headers=[("REFERER", f"https://clinic.example{path}")])

    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))

    assert atoms["{referer}i"] == "https://clinic.example/intake/status/[redacted]/conversation/"
    assert not any(TOKEN in value for value in atoms.values() if isinstance(value, str))


@pytest.mark.django_db
def test_a_refused_form_with_a_status_link_referer_is_logged_without_its_token(console_output):
    # Behind a proxy that rewrites the host, Django quotes the Referer in its reason.
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("set_language"),
        {"language": "es"},
        secure=True,
        HTTP_REFERER=f"https://clinic.example/intake/status/{TOKEN}/",
    )

    assert response.status_code == 403
    assert "Referer checking failed" in console_output.getvalue()
    assert TOKEN not in console_output.getvalue()


@pytest.fixture
def every_stream_handler_output():
    """What every stream handler on every logger writes (pytest's own aside), captured:
    the project's console handler and any a default configuration may have added."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    handlers = {
        handler
        for logger in loggers
        if isinstance(logger, logging.Logger)
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and not type(handler).__module__.startswith("_pytest")
    }
    stream = io.StringIO()
    previous = {handler: handler.setStream(stream) for handler in handlers}
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


@pytest.mark.django_db
def test_with_debug_on_a_refused_form_reaches_no_handler_with_its_token(
    settings, every_stream_handler_output
):
    # Pen test issue 16, finding 8: with DEBUG on, Django's default "django" logger
    # had a stderr handler of its own that did not redact.
    settings.DEBUG = True
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("set_language"),
        {"language": "es"},
        secure=True,
        HTTP_REFERER=f"https://clinic.example/intake/status/{TOKEN}/",
    )

    written = every_stream_handler_output.getvalue()
    assert response.status_code == 403
    assert "Referer checking failed" in written
    assert TOKEN not in written


def test_a_record_is_redacted_on_any_logger_whatever_its_handler():
    # A library's logger with a bare handler of its own (no filter), as Celery's are.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.a_library_of_its_own")
    logger.addHandler(handler)
    try:
        logger.warning("fetched %s", f"https://clinic.example/paging/ack/{TOKEN}/")
    finally:
        logger.removeHandler(handler)

    assert "/paging/ack/[redacted]/" in stream.getvalue()
    assert TOKEN not in stream.getvalue()
