"""Helpers for intake tests: a ready environment, valid answers per page, a full run."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import resolve, reverse
from django.utils import timezone

from intake import spamguard
from intake.models import ConsentDocument
from tests.factories.cases import make_team
from triage.migrations._intake_consent_v1 import CONSENT_V1

PHI = {
    "full_name": "Marisol Quintero-Vidal",
    "date_of_birth": "1987-04-12",
    "phone": "555-010-0142",
    "email": "marisol.qv@example.org",
    "reason": "I have not slept properly for weeks and I feel overwhelmed at work",
}


def ensure_consent_documents() -> None:
    """Version 1 as the data migration publishes it (transactional tests flush it)."""
    for language, text in CONSENT_V1.items():
        if not ConsentDocument.objects.filter(language=language, status="published").exists():
            ConsentDocument.objects.create(
                language=language,
                version=1,
                status="published",
                published_at=timezone.now(),
                **text,
            )


@pytest.fixture
def intake_env(settings):
    """A team to receive intakes, published consent texts, no fill-time wait, empty cache."""
    settings.INTAKE_MIN_FILL_SECONDS = 0
    cache.clear()
    make_team(settings.INTAKE_DEFAULT_TEAM)
    ensure_consent_documents()
    yield
    cache.clear()


def step_url(key: str) -> str:
    return reverse("intake:step", args=[key])


def valid_data(step: str, *, crisis: bool = False) -> dict:
    if step == "contact":
        return {
            "full_name": PHI["full_name"],
            "date_of_birth": PHI["date_of_birth"],
            "phone": PHI["phone"],
            "email": PHI["email"],
            "preferred_contact": "phone",
            "voicemail_ok": "no",
        }
    if step == "reason":
        return {"reason": PHI["reason"]}
    if step == "phq9":
        return {f"q{n}": "1" for n in range(1, 10)} | ({"q9": "3"} if crisis else {"q9": "0"})
    if step == "gad7":
        return {f"q{n}": "2" for n in range(1, 8)}
    if step == "asq":
        return {f"q{n}": "no" for n in range(1, 5)} | ({"q3": "yes"} if crisis else {})
    if step == "asq_now":
        return {"q5": "yes" if crisis else "no"}
    if step == "demographics":
        return {"age_band": "35_44", "gender": "prefer_not", "preferred_language": "es"}
    return {}


def form_token(client, step: str) -> str:
    """The spam guard's token of ``step`` as the page would show it to this client now
    (bound to the client's session, which this creates when there is none)."""
    session = client.session
    token = spamguard.timestamp_token(session, step)
    session.save()
    return token


def step_of(url: str) -> str:
    """The intake step a URL posts to ("consent", "contact", ..., "review")."""
    match = resolve(urlsplit(url).path)
    return "consent" if match.url_name == "consent" else str(match.kwargs.get("key", ""))


def post(client, url: str, data: dict | None = None, **extra):
    """POST as the browser does: with the spam guard's token of the page, bound to the
    client's session and to the page's step."""
    payload = {spamguard.TIMESTAMP_FIELD: form_token(client, step_of(url)), **(data or {})}
    return client.post(url, payload, **extra)


def give_consent(client, language: str = "en"):
    if language != "en":
        client.cookies["django_language"] = language
    document = ConsentDocument.objects.get(language=language, status="published")
    response = post(client, reverse("intake:consent"), {"document": document.pk, "agree": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def fill_draft(client, *, crisis: bool = False, language: str = "en") -> None:
    """Consent and every page up to the review, with valid answers."""
    give_consent(client, language)
    for key in ("contact", "reason", "phq9", "gad7", "asq"):
        response = post(client, step_url(key), valid_data(key, crisis=crisis))
        assert response.status_code == 302, (key, response.content.decode()[:3000])
    if crisis:
        response = post(client, step_url("asq_now"), valid_data("asq_now", crisis=True))
        assert response.status_code == 302
    response = post(client, step_url("demographics"), valid_data("demographics"))
    assert response.status_code == 302
    assert response["Location"] == step_url("review")


def submit(client):
    return post(client, step_url("review"))
