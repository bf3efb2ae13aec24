"""Staff sessions: idle sign-out, absolute lifetime, background polls, new key at login."""

import pytest
from django.urls import reverse

from accounts.middleware import BACKGROUND_POLL_HEADER
from accounts.roles import Role
from tests.factories.accounts import (
    STAFF_PASSWORD,
    TeamFactory,
    confirmed_totp_device,
    current_totp,
    login_verified,
    make_staff,
)

pytestmark = pytest.mark.django_db

CONSOLE = "/console/"
START = "2026-01-05 09:00:00+00:00"


@pytest.fixture
def nurse_client(client, time_machine, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60
    time_machine.move_to(START, tick=False)
    nurse = make_staff(Role.NURSE, team=TeamFactory())
    login_verified(client, nurse)
    assert client.get(CONSOLE).status_code == 200
    return client


def is_signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_activity_within_the_idle_timeout_keeps_the_session(nurse_client, time_machine):
    for _ in range(4):
        time_machine.shift(14 * 60)
        assert nurse_client.get(CONSOLE).status_code == 200


def test_the_session_ends_after_the_idle_timeout(nurse_client, time_machine):
    time_machine.shift(15 * 60 + 1)

    response = nurse_client.get(CONSOLE)

    assert is_signed_out(response)
    assert "_auth_user_id" not in nurse_client.session
    login_page = nurse_client.get(response["Location"])
    assert "signed out after a period of inactivity" in login_page.content.decode()


def test_background_polls_do_not_count_as_activity(nurse_client, time_machine):
    poll = {"headers": {BACKGROUND_POLL_HEADER: "1"}}
    for _ in range(3):
        time_machine.shift(4 * 60)
        assert nurse_client.get(CONSOLE, **poll).status_code == 200

    time_machine.shift(3 * 60)

    assert is_signed_out(nurse_client.get(CONSOLE, **poll))


def test_keep_alive_counts_as_activity(nurse_client, time_machine):
    time_machine.shift(14 * 60)
    assert nurse_client.post(reverse("accounts:keep_alive")).status_code == 204

    time_machine.shift(14 * 60)

    assert nurse_client.get(CONSOLE).status_code == 200


def test_the_session_ends_at_its_absolute_lifetime_despite_activity(nurse_client, time_machine):
    for _ in range(48):  # 48 x 899 s = 11 h 59 min 12 s, never idle for long
        time_machine.shift(15 * 60 - 1)
        assert nurse_client.get(CONSOLE).status_code == 200

    time_machine.shift(60)

    response = nurse_client.get(CONSOLE)
    assert is_signed_out(response)
    assert "time limit" in nurse_client.get(response["Location"]).content.decode()


def test_django_does_not_refresh_the_session_on_every_request(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_sign_in_gives_a_new_session_key(client):
    nurse = make_staff(Role.NURSE)
    device = confirmed_totp_device(nurse)
    client.get(reverse("accounts:login"))
    client.session.save()
    session = client.session
    session["pre_login"] = "x"
    session.save()
    before = session.session_key

    client.post(reverse("accounts:login"), {"username": nurse.username, "password": STAFF_PASSWORD})
    after_password = client.session.session_key
    client.post(reverse("accounts:verify"), {"token": current_totp(device), "next": CONSOLE})

    assert before != after_password
    assert after_password != client.session.session_key


def test_sign_out_ends_the_session(nurse_client):
    nurse_client.post(reverse("accounts:logout"))

    assert is_signed_out(nurse_client.get(CONSOLE))
