"""Security headers: on every response, and HSTS and friends under production settings."""

import json

import pytest
from django.urls import reverse

from accounts.middleware import PERMISSIONS_POLICY
from tests.config.test_settings import SAFE_PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

PRINT_HEADERS = """
import json
from django.test import Client
response = Client(HTTP_HOST="triage.example.org").get(
    "/healthz", secure=True, headers={"X-Forwarded-Proto": "https"}
)
print(json.dumps(dict(response.headers)))
"""


def test_every_response_carries_the_browser_security_headers(client):
    response = client.get(reverse("accounts:login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "microphone=()" in PERMISSIONS_POLICY
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_production_sends_hsts_and_secure_cookies():
    result = run_manage(SAFE_PRODUCTION_ENV, "shell", "-c", PRINT_HEADERS)

    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_production_cookies_are_secure_and_http_only():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE)"
    )

    result = run_manage(SAFE_PRODUCTION_ENV, "shell", "-c", code)

    assert result.stdout.strip().splitlines()[-1].split() == ["True"] * 3, result.stderr
