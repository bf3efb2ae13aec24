"""Hypothesis throws random posts at the public forms the intake fuzzing does not cover.

Staff sign-in (password and code), the status-link forms (contact details,
withdrawal), the patient conversation, the signed paging links and the language
switch: never a 500, only the expected answers, and a random post never signs anyone
in, never changes a patient's data and never acknowledges a page.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import tokens
from intake.forms import StatusContactForm
from intake.models import Intake
from messaging.models import Message
from paging.models import Page
from paging.services import page_raise
from tests.factories.accounts import STAFF_PASSWORD, confirmed_totp_device, make_staff
from tests.factories.cases import make_case, make_intake
from tests.factories.intake import intake_env  # noqa: F401 - fixture
from tests.factories.paging import make_crisis_case, make_oncall_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env", "open_limits")]

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
values = st.one_of(
    text,
    st.sampled_from(
        ["", " ", "0", "on", "yes", "no", "phone", "text", "email", "\x00", "<script>", "' OR 1=1"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.integers(min_value=200, max_value=6000).map(lambda n: "ñ" * n),
)


def posts(fields: list[str]):
    return st.dictionaries(st.sampled_from([*fields, "unknown", "next"]), values, max_size=8)


@pytest.fixture
def open_limits(settings):
    settings.INTAKE_RATE_LIMIT_POSTS = 100_000
    settings.AXES_FAILURE_LIMIT = 100_000


@pytest.fixture
def status_token():
    intake = make_intake(
        full_name="Fuzz Patient",
        phone="555-010-0100",
        email="fuzz@example.org",
        preferred_contact="phone",
        voicemail_ok=False,
        submitted_at=timezone.now(),
        answers={"phq9": [1] * 9},
    )
    token = tokens.issue(intake)
    intake.save()
    make_case(intake=intake)
    return intake, token


@FUZZ
@given(data=posts(["username", "password"]))
def test_sign_in_fuzz_never_fails_and_never_signs_in(data):
    make_staff("nurse", username="fuzz-nurse")
    client = Client()

    response = client.post(reverse("accounts:login"), data)

    assert response.status_code in (200, 403, 429), response.status_code
    assert "_auth_user_id" not in client.session


@FUZZ
@given(data=posts(["token"]))
def test_second_factor_fuzz_never_fails_and_never_verifies(data):
    user = make_staff("nurse", username="fuzz-nurse")
    confirmed_totp_device(user)
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": STAFF_PASSWORD})

    response = client.post(reverse("accounts:verify"), data)

    assert response.status_code == 200, response.status_code
    assert "otp_device_id" not in client.session


def test_status_contact_fuzz_never_fails_and_keeps_the_data_on_error(status_token):
    intake, token = status_token
    client = Client()
    url = reverse("intake:status_contact", args=[token])

    @FUZZ
    @given(data=posts(list(StatusContactForm().fields)))
    def run(data):
        before = Intake.objects.get(pk=intake.pk)
        response = client.post(url, data)
        assert response.status_code in (302, 400), response.status_code
        after = Intake.objects.get(pk=intake.pk)
        if response.status_code == 400:
            assert (after.phone, after.email, after.preferred_contact) == (
                before.phone,
                before.email,
                before.preferred_contact,
            )
            assert "error" in response.content.decode()

    run()


def test_status_withdraw_fuzz_withdraws_only_on_a_ticked_box(status_token):
    intake, token = status_token
    client = Client()
    url = reverse("intake:status_withdraw", args=[token])

    @FUZZ
    @given(data=posts(["confirm"]))
    def run(data):
        response = client.post(url, data)
        assert response.status_code in (302, 400), response.status_code
        withdrawn = Intake.objects.get(pk=intake.pk).status == Intake.Status.WITHDRAWN
        if response.status_code == 400:
            assert not withdrawn
        if withdrawn:
            # Back to a fresh, submitted intake for the next example.
            Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.SUBMITTED)

    run()


def test_patient_message_fuzz_never_fails_and_stores_only_accepted_messages(status_token):
    _intake, token = status_token
    client = Client()
    url = reverse("intake:messaging_conversation", args=[token])

    @FUZZ
    @given(data=posts(["body"]))
    def run(data):
        before = Message.objects.count()
        response = client.post(url, data)
        assert response.status_code in (200, 400), response.status_code
        if response.status_code == 400:
            assert Message.objects.count() == before

    run()


def test_paging_links_with_a_forged_token_never_fail_and_acknowledge_nothing():
    team = make_oncall_team("north")[0]
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    client = Client()

    @FUZZ
    @given(token=text, method=st.sampled_from(["get", "post"]))
    def run(token, method):
        safe = token.replace("/", "_") or "x"
        for name in ("paging_public:ack", "paging_public:shift_confirm"):
            response = getattr(client, method)(reverse(name, args=[safe]))
            assert response.status_code in (404, 410), (name, response.status_code)
        assert Page.objects.get(pk=page.pk).status == Page.Status.TRIGGERED

    run()


@FUZZ
@given(data=posts(["language"]))
def test_language_switch_fuzz_never_fails(data):
    response = Client().post(reverse("set_language"), data)

    assert response.status_code in (200, 204, 302, 400), response.status_code
