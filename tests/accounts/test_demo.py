from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp

from accounts.demo import demo_staff_access
from tests.factories.accounts import STAFF_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_access_gives_a_role_and_a_printed_secret_that_signs_in(client):
    user = UserFactory(username="nurse")

    lines = demo_staff_access(user, "nurse")

    secret = lines[0].split("TOTP secret ")[1].split(";")[0]
    assert "otpauth://totp/" in lines[1] and secret in lines[1]
    assert list(user.groups.values_list("name", flat=True)) == ["nurse"]
    token = str(totp(b32decode(secret))).zfill(6)
    client.post(reverse("accounts:login"), {"username": "nurse", "password": STAFF_PASSWORD})
    response = client.post(reverse("accounts:verify"), {"token": token, "next": "/console/"})
    assert response["Location"] == "/console/"


def test_the_printed_backup_code_works_and_reseeding_restores_it(client):
    user = UserFactory(username="auditor", is_staff=True)
    code = demo_staff_access(user, "auditor")[0].split("backup code ")[1]
    client.post(reverse("accounts:login"), {"username": "auditor", "password": STAFF_PASSWORD})
    # Auditors hold no clinical role: without a next they land in the admin.
    assert client.post(reverse("accounts:verify"), {"token": code})["Location"] == "/admin/"

    demo_staff_access(user, "auditor")

    client.logout()
    client.post(reverse("accounts:login"), {"username": "auditor", "password": STAFF_PASSWORD})
    assert client.post(reverse("accounts:verify"), {"token": code}).status_code == 302


def test_demo_secrets_are_refused_in_production(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        demo_staff_access(UserFactory(), "nurse")
