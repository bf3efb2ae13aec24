"""Rate limit and spam guard: a bot gets a generic refusal, a person loses nothing."""

import pytest
import time_machine
from django.urls import reverse

from intake import spamguard, tokens
from intake.models import Consent, ConsentDocument, Intake
from tests.factories.cases import make_case, make_intake
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    form_token,
    give_consent,
    intake_env,
    post,
    step_url,
    valid_data,
)

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


PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.23"


def via_proxy(forwarded: str) -> dict:
    """What gunicorn sees behind one proxy that appends the address it received from."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def test_forged_forwarded_entries_do_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_RATE_LIMIT_POSTS = 3

    statuses = [
        post(
            client, reverse("intake:consent"), {}, **via_proxy(f"198.51.100.{n}, {ATTACKER}")
        ).status_code
        for n in range(6)
    ]

    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429, 429]


def test_forged_forwarded_entries_cannot_get_a_victim_limited(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_RATE_LIMIT_POSTS = 2
    intake = make_intake(answers={"phq9": [0] * 9})
    token = tokens.issue(intake)
    intake.save()
    make_case(intake=intake)
    status_url = reverse("intake:status", args=[token])

    # The attacker names the victim as the client, on the status links and the intake.
    for _ in range(4):
        client.get(reverse("intake:status", args=["guessed"]), **via_proxy(f"{VICTIM}, {ATTACKER}"))
        post(client, reverse("intake:consent"), {}, **via_proxy(f"{VICTIM}, {ATTACKER}"))
    assert client.get(status_url, **via_proxy(ATTACKER)).status_code == 429

    assert client.get(status_url, **via_proxy(VICTIM)).status_code == 200
    response = post(client, reverse("intake:consent"), consent_data(), **via_proxy(VICTIM))
    assert response.status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, settings):
    settings.INTAKE_RATE_LIMIT_POSTS = 2
    for n in range(2):
        post(client, reverse("intake:consent"), {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = post(
        client, reverse("intake:consent"), consent_data(), HTTP_X_FORWARDED_FOR="198.51.100.99"
    )

    assert response.status_code == 429


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
        token = form_token(client, "consent")
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
