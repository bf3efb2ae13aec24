"""Sign-in: password, then TOTP or a backup code; MFA setup; backup codes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.services import backup_codes_regenerate
from tests.factories.accounts import (
    STAFF_PASSWORD,
    confirmed_totp_device,
    current_totp,
    login_verified,
    make_staff,
)

pytestmark = pytest.mark.django_db

CONSOLE = "/console/"


def password_login(client, user, next_url=CONSOLE):
    return client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"username": user.username, "password": STAFF_PASSWORD},
    )


def test_password_login_goes_to_the_code_page_not_to_next(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    confirmed_totp_device(nurse)

    response = password_login(client, nurse)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:verify')}?next=%2Fconsole%2F"


def test_a_password_only_session_cannot_reach_the_console(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    confirmed_totp_device(nurse)
    password_login(client, nurse)

    response = client.get(CONSOLE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))


def test_a_password_only_session_cannot_reach_the_admin(client):
    admin_user = make_staff(Role.ADMINISTRATOR)
    confirmed_totp_device(admin_user)
    password_login(client, admin_user, next_url="/admin/")

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_a_valid_totp_code_verifies_the_session_and_goes_to_next(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    device = confirmed_totp_device(nurse)
    password_login(client, nurse)

    response = client.post(
        reverse("accounts:verify"), {"token": current_totp(device), "next": CONSOLE}
    )

    assert response.status_code == 302
    assert response["Location"] == CONSOLE
    assert client.get(CONSOLE).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    device = confirmed_totp_device(nurse)
    password_login(client, nurse)
    wrong = str((int(current_totp(device)) + 1) % 1_000_000).zfill(6)

    response = client.post(reverse("accounts:verify"), {"token": wrong, "next": CONSOLE})

    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert client.get(CONSOLE).status_code == 302


def test_the_right_code_too_soon_after_a_wrong_one_is_told_to_wait_not_refused(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    device = confirmed_totp_device(nurse)
    start = dt.datetime(2026, 12, 7, 9, 0, 10, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        password_login(client, nurse)
        wrong = str((int(current_totp(device)) + 1) % 1_000_000).zfill(6)
        client.post(reverse("accounts:verify"), {"token": wrong, "next": CONSOLE})
        device.refresh_from_db()
        too_soon = client.post(
            reverse("accounts:verify"), {"token": current_totp(device), "next": CONSOLE}
        )
    with time_machine.travel(start + dt.timedelta(seconds=2), tick=False):
        in_time = client.post(
            reverse("accounts:verify"), {"token": current_totp(device), "next": CONSOLE}
        )

    html = too_soon.content.decode()
    assert too_soon.status_code == 200
    assert "Wait 1 second, then enter the current code" in html
    assert "not accepted" not in html
    assert in_time["Location"] == CONSOLE


def test_the_wait_grows_after_more_wrong_codes(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    device = confirmed_totp_device(nurse)
    start = dt.datetime(2026, 12, 7, 9, 0, 10, tzinfo=dt.UTC)
    wrong = "000000"
    with time_machine.travel(start, tick=False):
        password_login(client, nurse)

    for seconds in (0, 2, 5):  # each wrong code after the previous back-off ended
        with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
            if wrong == current_totp(device):
                wrong = "111111"
            client.post(reverse("accounts:verify"), {"token": wrong, "next": CONSOLE})
    with time_machine.travel(start + dt.timedelta(seconds=6), tick=False):
        response = client.post(
            reverse("accounts:verify"), {"token": current_totp(device), "next": CONSOLE}
        )

    # Three wrong codes: 4 s from the last one (at 5 s), so 3 s are left at 6 s.
    assert "Wait 3 seconds, then enter the current code" in response.content.decode()


def test_a_backup_code_works_once(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    confirmed_totp_device(nurse)
    code = backup_codes_regenerate(user=nurse)[0]
    password_login(client, nurse)

    response = client.post(reverse("accounts:verify"), {"token": code.upper(), "next": CONSOLE})

    assert response["Location"] == CONSOLE
    assert not StaticToken.objects.filter(token=code).exists()
    client.logout()
    password_login(client, nurse)
    again = client.post(reverse("accounts:verify"), {"token": code, "next": CONSOLE})
    assert again.status_code == 200


def test_next_pointing_at_another_site_is_ignored(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    device = confirmed_totp_device(nurse)
    password_login(client, nurse, next_url="https://evil.example/")

    response = client.post(
        reverse("accounts:verify"), {"token": current_totp(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/console/"


def test_verification_gives_the_session_a_new_key(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    device = confirmed_totp_device(nurse)
    password_login(client, nurse)
    before = client.session.session_key

    client.post(reverse("accounts:verify"), {"token": current_totp(device), "next": CONSOLE})

    assert client.session.session_key != before


def test_a_user_without_a_device_is_sent_to_setup(client, team):
    nurse = make_staff(Role.NURSE, team=team)

    response = password_login(client, nurse)

    assert response["Location"].startswith(reverse("accounts:mfa_setup"))


def test_setup_shows_a_qr_code_as_an_image_and_the_key(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    password_login(client, nurse)

    response = client.get(reverse("accounts:mfa_setup"))

    html = response.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert "style=" not in html and "<script>" not in html
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)
    # The same pending secret survives a reload.
    client.get(reverse("accounts:mfa_setup"))
    assert TOTPDevice.objects.filter(user=nurse).count() == 1
    assert device.key


def test_setup_confirms_the_device_and_shows_ten_backup_codes_once(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    password_login(client, nurse)
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(user=nurse)

    response = client.post(
        reverse("accounts:mfa_setup"), {"token": current_totp(device), "next": CONSOLE}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:backup_codes"))
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(response["Location"])
    codes = page.context["codes"]
    assert len(codes) == 10
    assert all(code in page.content.decode() for code in codes)
    assert "no-store" in page["Cache-Control"]
    assert client.get(response["Location"]).context["codes"] is None
    assert client.get(CONSOLE).status_code == 200


def test_setup_refuses_a_wrong_code(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    password_login(client, nurse)
    client.get(reverse("accounts:mfa_setup"))

    response = client.post(reverse("accounts:mfa_setup"), {"token": "000000", "next": CONSOLE})

    assert response.status_code == 200
    assert not TOTPDevice.objects.get(user=nurse).confirmed


def test_a_password_alone_cannot_add_a_second_authenticator(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    confirmed_totp_device(nurse)
    password_login(client, nurse)

    response = client.get(reverse("accounts:mfa_setup"))

    assert response["Location"].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=nurse).count() == 1


def test_new_backup_codes_replace_the_old_ones(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    old = backup_codes_regenerate(user=nurse)
    login_verified(client, nurse)

    response = client.post(reverse("accounts:backup_codes"), {"next": CONSOLE}, follow=True)

    new = response.context["codes"]
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_keep_alive_answers_204_only_for_a_verified_session(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    assert client.post(reverse("accounts:keep_alive")).status_code == 401

    login_verified(client, nurse)

    assert client.post(reverse("accounts:keep_alive")).status_code == 204


def test_login_page_sends_an_already_verified_user_on(client, team):
    nurse = make_staff(Role.NURSE, team=team)
    login_verified(client, nurse)

    response = client.get(f"{reverse('accounts:login')}?next=/console/")

    assert response["Location"] == "/console/"


def test_the_code_page_speaks_spanish(client, settings, team):
    nurse = make_staff(Role.NURSE, team=team)
    confirmed_totp_device(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    password_login(client, nurse)

    response = client.get(reverse("accounts:verify"))

    assert "Escriba su código de inicio de sesión" in response.content.decode()
