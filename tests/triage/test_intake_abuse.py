"""Rate limit and spam guard: a bot gets a generic refusal, a person loses nothing."""

import pytest
import time_machine
from django.urls import reverse

from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    give_consent,
    intake_env,
    post,
    step_url,
    valid_data,
)
from triage.intake import spamguard
from triage.models import Consent, ConsentDocument, Intake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]


def consent_data() -> dict:
    document = ConsentDocument.objects.get(language="en", status="published")
    return {"document": document.pk, "agree": "on"}


def test_posts_over_the_limit_from_one_address_are_refused(client, settings):
    settings.INTAKE_RATE_LIMIT_POSTS = 3
    give_consent(client)
    for _ in range(2):
        assert post(client, step_url("contact"), {}).status_code == 400

    response = post(client, step_url("contact"), valid_data("contact"))

    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert "988" in response.content.decode()


def test_the_window_slides(client, settings):
    settings.INTAKE_RATE_LIMIT_POSTS = 2
    settings.INTAKE_RATE_LIMIT_SECONDS = 60
    with time_machine.travel("2026-11-23 10:00:00", tick=False) as traveller:
        give_consent(client)
        assert post(client, step_url("contact"), {}).status_code == 400
        assert post(client, step_url("contact"), {}).status_code == 429
        traveller.shift(61)
        assert post(client, step_url("contact"), {}).status_code == 400


def test_another_address_is_not_limited(client, settings):
    settings.INTAKE_RATE_LIMIT_POSTS = 1
    post(client, reverse("intake:consent"), {}, REMOTE_ADDR="203.0.113.9")

    response = post(client, reverse("intake:consent"), consent_data(), REMOTE_ADDR="203.0.113.10")

    assert response.status_code == 302


def test_a_filled_honeypot_gets_a_generic_error_and_stores_nothing(client):
    response = post(
        client,
        reverse("intake:consent"),
        consent_data() | {spamguard.HONEYPOT_FIELD: "http://spam.example"},
    )

    assert response.status_code == 400
    assert "We could not accept this form" in response.content.decode()
    assert Consent.objects.count() == 0 and Intake.objects.count() == 0


def test_a_form_sent_too_fast_is_refused(client, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 5

    response = post(client, reverse("intake:consent"), consent_data())

    assert response.status_code == 400
    assert "We could not accept this form" in response.content.decode()
    assert Intake.objects.count() == 0


def test_a_form_sent_after_the_minimum_time_is_accepted(client, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 5
    with time_machine.travel("2026-11-23 10:00:00", tick=False) as traveller:
        token = spamguard.timestamp_token()
        traveller.shift(6)
        response = client.post(
            reverse("intake:consent"), consent_data() | {spamguard.TIMESTAMP_FIELD: token}
        )

    assert response.status_code == 302


def test_a_missing_or_forged_timestamp_is_refused_without_a_crash(client):
    for forged in ("", "1700000000", "garbage:::signature", "x" * 5000):
        response = client.post(
            reverse("intake:consent"), consent_data() | {spamguard.TIMESTAMP_FIELD: forged}
        )
        assert response.status_code == 400
    assert Intake.objects.count() == 0


def test_a_refused_step_keeps_what_the_person_typed_on_screen(client):
    give_consent(client)

    response = client.post(step_url("contact"), valid_data("contact"))  # no timestamp

    assert response.status_code == 400
    assert valid_data("contact")["full_name"] in response.content.decode()
