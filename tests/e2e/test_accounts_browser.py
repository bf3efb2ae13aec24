"""Staff sign-in in a real browser: MFA setup from the page, backup codes, idle warning."""

from __future__ import annotations

import importlib
from base64 import b32decode

import pytest
from django.apps import apps as django_apps
from django_otp.oath import totp

from accounts.roles import Role
from tests.e2e.conftest import axe_check, screenshot
from tests.factories.accounts import (
    STAFF_PASSWORD,
    TeamFactory,
    confirmed_totp_device,
    current_totp,
    make_staff,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def roles():
    # The live-server database is flushed between tests: recreate the roles.
    importlib.import_module("accounts.migrations.0003_roles").create_roles(django_apps, None)


def password_step(page, user) -> None:
    page.goto("/console/")
    assert "/accounts/login/" in page.url
    axe_check(page, "sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_the_authenticator_and_shows_backup_codes(page):
    nurse = make_staff(Role.NURSE, team=TeamFactory())

    password_step(page, nurse)

    page.wait_for_url("**/accounts/mfa/setup/**")
    assert page.get_by_role("img", name="QR code").is_visible()
    axe_check(page, "mfa setup")
    screenshot(page, "mfa-setup", folder="accounts")
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code from the app").fill(str(totp(b32decode(secret))).zfill(6))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**/accounts/mfa/backup-codes/**")
    assert page.locator(".backup-codes li").count() == 10
    axe_check(page, "backup codes")
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_url("**/console/")


def test_the_idle_warning_comes_despite_polling_and_keeps_the_session_when_asked(page, settings):
    settings.SESSION_IDLE_TIMEOUT = 68  # the warning comes 60 s before: after 8 s
    # The queue polls every second (X-Background-Poll: 1): that is not activity.
    settings.CONSOLE_POLL_SECONDS = 1
    nurse = make_staff(Role.NURSE, team=TeamFactory())
    device = confirmed_totp_device(nurse)
    password_step(page, nurse)
    page.locator("input[name=token]").fill(current_totp(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/console/")

    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    dialog.wait_for(state="visible", timeout=15_000)
    axe_check(page, "idle warning")
    screenshot(page, "idle-warning", folder="accounts")
    with page.expect_response("**/accounts/session/keep-alive/") as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()

    assert keep_alive.value.status == 204
    dialog.wait_for(state="hidden")
    assert page.url.endswith("/console/")


def test_an_idle_page_ends_on_the_sign_in_page(page, settings):
    settings.SESSION_IDLE_TIMEOUT = 3
    nurse = make_staff(Role.NURSE, team=TeamFactory())
    device = confirmed_totp_device(nurse)
    password_step(page, nurse)
    page.locator("input[name=token]").fill(current_totp(device))
    page.get_by_role("button", name="Verify").click()

    page.wait_for_url("**/accounts/login/?next=/console/", timeout=15_000)
    assert "signed out after a period of inactivity" in page.content()
