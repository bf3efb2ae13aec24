"""Brute-force protection (django-axes) through the real staff sign-in view."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_unlock
from tests.factories.accounts import STAFF_PASSWORD, make_staff

pytestmark = pytest.mark.django_db


WRONG_PASSWORD = "wrong-password-123"


def attempt(client, username, password=WRONG_PASSWORD, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        attempt(client, username, address=address)


def test_a_wrong_password_shows_the_form_again(client):
    nurse = make_staff(Role.NURSE)

    response = attempt(client, nurse.username)

    assert response.status_code == 200
    assert AccessFailureLog.objects.filter(username=nurse.username).count() == 1


def test_the_configured_number_of_failures_locks_the_username_from_that_address(client, settings):
    nurse = make_staff(Role.NURSE)
    fail(client, nurse.username, settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, nurse.username, STAFF_PASSWORD).status_code == 302
    client.logout()
    fail(client, nurse.username, settings.AXES_FAILURE_LIMIT)

    response = attempt(client, nurse.username, STAFF_PASSWORD)

    assert response.status_code == 429
    assert "Sign-in locked for now" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_does_not_spread_to_other_addresses_or_users(client, settings):
    nurse, colleague = make_staff(Role.NURSE), make_staff(Role.NURSE)
    fail(client, nurse.username, settings.AXES_FAILURE_LIMIT)

    assert attempt(client, nurse.username, STAFF_PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, colleague.username, STAFF_PASSWORD).status_code == 302


def test_unlocking_lets_the_user_sign_in_again(client, settings):
    nurse = make_staff(Role.NURSE)
    fail(client, nurse.username, settings.AXES_FAILURE_LIMIT)
    assert AccessAttempt.objects.filter(username=nurse.username).exists()

    assert user_unlock(username=nurse.username) == 1

    assert attempt(client, nurse.username, STAFF_PASSWORD).status_code == 302


def test_the_lock_expires_after_the_cool_off(client, settings, time_machine):
    nurse = make_staff(Role.NURSE)
    time_machine.move_to("2026-01-05 10:00:00+00:00", tick=False)
    fail(client, nurse.username, settings.AXES_FAILURE_LIMIT)
    assert attempt(client, nurse.username, STAFF_PASSWORD).status_code == 429

    time_machine.move_to("2026-01-05 10:31:00+00:00", tick=False)

    assert attempt(client, nurse.username, STAFF_PASSWORD).status_code == 302


def proxied_attempt(client, username, forwarded, password=WRONG_PASSWORD):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_proxy_the_address_it_appended_is_the_locked_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    nurse = make_staff(Role.NURSE)

    for _ in range(2):
        proxied_attempt(client, nurse.username, "203.0.113.5")

    attempt_row = AccessAttempt.objects.get(username=nurse.username)
    assert attempt_row.ip_address == "203.0.113.5"
    # Another person behind the same proxy is not locked out.
    other = proxied_attempt(client, nurse.username, "198.51.100.7", password=STAFF_PASSWORD)
    assert other.status_code != 429


def test_forged_forwarded_entries_neither_escape_a_lock_nor_lock_a_victim(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    nurse = make_staff(Role.NURSE)
    attacker, victim = "203.0.113.66", "198.51.100.23"

    # A new forged first entry each time, naming the victim: still one address, the attacker's.
    for n in range(3):
        proxied_attempt(client, nurse.username, f"{victim}, 192.0.2.{n}, {attacker}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    locked = proxied_attempt(client, nurse.username, f"{victim}, {attacker}", STAFF_PASSWORD)
    assert locked.status_code == 429
    assert proxied_attempt(client, nurse.username, victim, STAFF_PASSWORD).status_code == 302
