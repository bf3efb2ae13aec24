"""Hypothesis throws random posts at every intake page: never a 500, always a specific
error for an invalid post, and nothing stored before consent."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.forms import STEP_FORMS
from intake.models import Consent, Intake
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    give_consent,
    intake_env,
    post,
    step_url,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env", "no_rate_limit")]


@pytest.fixture
def no_rate_limit(settings):
    settings.INTAKE_RATE_LIMIT_POSTS = 10_000


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
values = st.one_of(
    text,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "0", "3", "4", "yes", "no", "on", "\x00", "1990-02-30", "ñ" * 300]),
    st.integers(min_value=4001, max_value=20000).map(lambda n: "á" * n),
)


def fields_of(step: str) -> list[str]:
    form = STEP_FORMS[step]()
    return [*form.fields, "document", "agree", "q0", "q10", "unknown"]


def posts(step: str):
    return st.dictionaries(st.sampled_from(fields_of(step)), values, max_size=12)


def assert_specific_error_or_success(response):
    assert response.status_code != 500
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        html = response.content.decode()
        summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
        items = re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
        messages = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
        assert messages, summary
        assert all(len(m.strip()) > 10 for m in messages)


@FUZZ
@given(data=posts("consent"))
def test_consent_fuzz_stores_nothing_unless_agreed(data):
    client = Client()
    before = (Consent.objects.count(), Intake.objects.count())

    response = post(client, reverse("intake:consent"), data)

    assert_specific_error_or_success(response)
    if response.status_code != 302:
        assert (Consent.objects.count(), Intake.objects.count()) == before


@pytest.mark.parametrize(
    "step", ["contact", "reason", "phq9", "gad7", "asq", "asq_now", "demographics"]
)
def test_step_fuzz_never_fails(step):
    client = Client()
    give_consent(client)
    intake = Intake.objects.get()
    # Open every page, and the ASQ follow-up, to the fuzzer.
    intake.step = len(STEP_FORMS) - 1
    intake.answers = {"asq": {"q1": "yes", "q2": "no", "q3": "no", "q4": "no", "q5": None}}
    intake.save(update_fields=["step", "answers"])

    @FUZZ
    @given(data=posts(step))
    def run(data):
        response = post(client, step_url(step), data)
        assert_specific_error_or_success(response)

    run()


@FUZZ
@given(data=posts("review"))
def test_review_fuzz_never_fails(data):
    client = Client()
    give_consent(client)

    response = post(client, step_url("review"), data)

    assert response.status_code in (200, 302, 400)
