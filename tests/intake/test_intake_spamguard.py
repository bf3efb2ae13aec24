"""The spam guard's page token: bound to the session and the step, and it expires.

A token harvested once cannot be replayed from other sessions, on other pages or for a
day; a person whose page went stale gets a clear message and loses nothing.
"""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake import spamguard
from intake.models import ConsentDocument, Intake
from paging.models import Page
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    PHI,
    form_token,
    give_consent,
    intake_env,
    post,
    step_url,
    valid_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]

STALE = "This page was open for too long, or in another window"
GENERIC = "We could not accept this form"
CRISIS_REASON = "I'm going to end it tonight. I have the pills counted out."


def consent_data() -> dict:
    document = ConsentDocument.objects.get(language="en", status="published")
    return {"document": document.pk, "agree": "on"}


def send(client, url: str, token: str, data: dict):
    return client.post(url, {spamguard.TIMESTAMP_FIELD: token, **data})


def test_the_token_on_the_page_is_accepted(client):
    page = client.get(reverse("intake:consent"))
    token = page.context["shown_at"]

    response = send(client, reverse("intake:consent"), token, consent_data())

    assert response.status_code == 302
    assert Intake.objects.count() == 1


def test_a_token_from_another_session_is_refused_with_a_clear_message(client):
    harvested = form_token(Client(), "consent")

    response = send(client, reverse("intake:consent"), harvested, consent_data())

    assert response.status_code == 400
    assert STALE in response.content.decode()
    assert Intake.objects.count() == 0
    # A fresh token of this session is on the page: sending it again works.
    retry = send(client, reverse("intake:consent"), response.context["shown_at"], consent_data())
    assert retry.status_code == 302


def test_one_token_cannot_open_many_sessions():
    token = form_token(first := Client(), "consent")
    assert send(first, reverse("intake:consent"), token, consent_data()).status_code == 302

    for _ in range(3):
        assert send(Client(), reverse("intake:consent"), token, consent_data()).status_code == 400
    assert Intake.objects.count() == 1


def test_a_token_of_another_page_is_refused(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))
    token = form_token(client, "contact")

    response = send(client, step_url("reason"), token, valid_data("reason"))

    assert response.status_code == 400
    assert STALE in response.content.decode()


def test_the_token_expires_after_the_configured_minutes(client, settings):
    settings.INTAKE_FORM_MAX_AGE_MINUTES = 20
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = form_token(client, "consent")
        traveller.shift(19 * 60)
        assert send(client, reverse("intake:consent"), token, consent_data()).status_code == 302

        give_consent_token = form_token(client, "contact")
        traveller.shift(21 * 60)
        response = send(client, step_url("contact"), give_consent_token, valid_data("contact"))

    assert response.status_code == 400
    assert STALE in response.content.decode()


def test_a_stale_page_keeps_what_was_typed_and_saves_the_valid_answers(client, settings):
    settings.INTAKE_FORM_MAX_AGE_MINUTES = 5
    give_consent(client)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = form_token(client, "contact")
        traveller.shift(6 * 60)
        response = send(client, step_url("contact"), token, valid_data("contact"))

    assert response.status_code == 400
    assert PHI["full_name"] in response.content.decode()
    intake = Intake.objects.get()
    assert intake.full_name == PHI["full_name"]
    # Saved, but the patient sends the page again before moving on.
    assert client.get(step_url("reason")).status_code == 302


def test_a_crisis_on_a_stale_page_still_pages_at_once_and_only_once(client, settings):
    settings.INTAKE_FORM_MAX_AGE_MINUTES = 5
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = form_token(client, "reason")
        traveller.shift(6 * 60)
        response = send(client, step_url("reason"), token, {"reason": CRISIS_REASON})
    # A patient who took long to write this must not leave unseen.
    assert response["Location"] == reverse("intake:crisis_now")
    assert Page.objects.count() == 1
    assert client.get(step_url("phq9")).status_code == 302  # not moved on: sent again

    response = post(client, step_url("reason"), {"reason": CRISIS_REASON})

    assert response["Location"] == reverse("intake:crisis_now")
    assert Page.objects.count() == 1


def test_a_forged_token_still_gets_the_generic_refusal(client):
    token = form_token(client, "consent")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = send(client, reverse("intake:consent"), forged, consent_data())

    assert response.status_code == 400
    assert GENERIC in response.content.decode()
    assert STALE not in response.content.decode()


def test_checking_a_token_never_creates_a_session_nonce():
    session = {}

    verdict = spamguard.check({spamguard.TIMESTAMP_FIELD: "x"}, session, "consent")

    assert verdict == spamguard.SPAM
    assert session == {}
