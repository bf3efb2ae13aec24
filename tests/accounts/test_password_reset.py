"""Staff password reset by e-mail (accounts/password_reset.py)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from tests.factories.accounts import (
    STAFF_PASSWORD,
    confirmed_totp_device,
    current_totp,
    make_staff,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-77"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def ask(client, email, address="10.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def set_new_password(client, link, password=NEW_PASSWORD):
    form_url = client.get(link)["Location"]  # the token moves into the session
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def events(name):
    return AccessEvent.objects.filter(details__security_event=f"password_reset_{name}")


def test_the_sign_in_page_links_to_the_reset(client):
    response = client.get(reverse("accounts:login"))

    assert reverse("accounts:password_reset") in response.content.decode()
    assert "Forgot your password?" in response.content.decode()


def test_it_resets_the_password_and_still_needs_the_code(client):
    nurse = make_staff(Role.NURSE)
    device = confirmed_totp_device(nurse)

    response = ask(client, nurse.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [nurse.email]
    response = set_new_password(client, reset_link(mail.outbox[0]))
    assert response["Location"] == reverse("accounts:password_reset_complete")
    # Not signed in by the reset.
    assert "_auth_user_id" not in client.session
    nurse.refresh_from_db()
    assert nurse.check_password(NEW_PASSWORD)

    old = client.post(
        reverse("accounts:login"), {"username": nurse.username, "password": STAFF_PASSWORD}
    )
    assert old.status_code == 200  # the old password is refused
    signed_in = client.post(
        reverse("accounts:login"), {"username": nurse.username, "password": NEW_PASSWORD}
    )
    assert signed_in["Location"].startswith(reverse("accounts:verify"))
    assert client.get(reverse("console:home")).status_code != 200  # password alone: no console
    verified = client.post(reverse("accounts:verify"), {"token": current_totp(device)})
    assert verified.status_code == 302
    assert client.get(reverse("console:home")).status_code == 200


def test_a_link_works_only_once(client):
    nurse = make_staff(Role.NURSE)
    ask(client, nurse.email)
    link = reset_link(mail.outbox[0])
    set_new_password(client, link)

    response = client.get(link)

    assert response.status_code == 200
    assert "This reset link does not work" in response.content.decode()
    assert events("link_refused").count() == 1


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    nurse = make_staff(Role.NURSE)
    known = ask(client, nurse.email)
    mail.outbox.clear()

    unknown = ask(client, "nobody@clinic.example")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert mail.outbox == []
    done = client.get(unknown["Location"]).content.decode()
    assert "If that address belongs to a staff account" in done


def test_an_inactive_account_gets_no_email(client):
    nurse = make_staff(Role.NURSE, is_active=False)

    assert ask(client, nurse.email).status_code == 302
    assert mail.outbox == []


def test_requests_from_one_address_are_limited(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 3
    nurse = make_staff(Role.NURSE)
    for n in range(3):
        assert ask(client, f"someone{n}@clinic.example").status_code == 302

    response = ask(client, nurse.email)

    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert mail.outbox == []
    assert ask(client, nurse.email, address="10.0.0.2").status_code == 302
    assert len(mail.outbox) == 1


def test_requests_for_one_email_are_limited_from_any_address(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    nurse = make_staff(Role.NURSE)
    ask(client, nurse.email, address="10.0.0.1")
    ask(client, nurse.email.upper(), address="10.0.0.2")

    response = ask(client, nurse.email, address="10.0.0.3")

    assert response.status_code == 429
    assert len(mail.outbox) == 2
    # Unknown addresses are limited the same way, so the limit tells nothing either.
    ask(client, "nobody@clinic.example", address="10.0.0.4")
    ask(client, "nobody@clinic.example", address="10.0.0.5")
    assert ask(client, "nobody@clinic.example", address="10.0.0.6").status_code == 429


def test_requests_completions_and_refusals_are_audited_without_the_address(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    nurse = make_staff(Role.NURSE)
    ask(client, nurse.email)
    ask(client, "nobody@clinic.example")
    set_new_password(client, reset_link(mail.outbox[0]))
    ask(client, nurse.email)

    requested = list(events("requested").order_by("sequence"))
    assert [e.details["user_ids"] for e in requested] == [[nurse.pk], []]
    assert all(e.client_address == "10.0.0.1" for e in requested)
    completed = events("completed").get()
    assert completed.actor == nurse
    assert completed.details["user_id"] == nurse.pk
    assert completed.action == AccessEvent.Action.UPDATE
    throttled = events("throttled").get()
    assert throttled.outcome == AccessEvent.Outcome.DENIED
    for event in AccessEvent.objects.filter(details__security_event__startswith="password_reset"):
        assert nurse.email not in str(event.details) + event.reason + event.path
        assert "nobody@" not in str(event.details) + event.reason + event.path


def test_a_reset_does_not_lift_a_sign_in_lock(client, settings):
    nurse = make_staff(Role.NURSE)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": nurse.username, "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.1",
        )
    ask(client, nurse.email)
    set_new_password(client, reset_link(mail.outbox[0]))

    response = client.post(
        reverse("accounts:login"),
        {"username": nurse.username, "password": NEW_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
