"""A form the CSRF check refuses: the patient's page keeps the crisis lines and the text.

Django's own page ("CSRF verification failed. Request aborted.") showed a patient no
crisis lines and dropped what they had typed. Patient paths now answer with a project
page (403) that shows both and stores nothing; staff paths with a staff page that
echoes nothing.
"""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from intake.models import Intake
from tests.factories.intake import PHI, give_consent, intake_env, post, step_url, valid_data  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]

TYPED = "I cannot go on like this.\nI want to kill myself tonight. <b>not bold</b>"


@pytest.fixture
def at_reason_step(client):
    """A patient's draft at the reason page, whose next post the CSRF check refuses."""
    give_consent(client)
    assert post(client, step_url("contact"), valid_data("contact")).status_code == 302
    client.handler.enforce_csrf_checks = True
    return client


def refused_reason(client, **extra):
    return post(client, step_url("reason"), {"reason": TYPED}, **extra)


def test_a_refused_intake_page_answers_with_the_crisis_lines(at_reason_step):
    response = refused_reason(at_reason_step)

    html = response.content.decode()
    assert response.status_code == 403
    assert "Your page was not sent" in html
    assert "In crisis or in danger right now?" in html
    assert "Call or text 988" in html and 'href="tel:988"' in html
    assert "nothing on it was saved or sent to the clinic" in html
    assert "cookie not set" not in html  # Django's reason means nothing to a patient


def test_it_shows_what_the_patient_typed_in_a_box_as_text(at_reason_step):
    html = refused_reason(at_reason_step).content.decode()

    assert '<label for="kept-reason">Why are you contacting the clinic?</label>' in html
    assert "I want to kill myself tonight. &lt;b&gt;not bold&lt;/b&gt;</textarea>" in html
    assert "<b>not bold</b>" not in html


def test_it_stores_nothing(at_reason_step):
    refused_reason(at_reason_step)

    assert Intake.objects.get().reason == ""


def test_it_links_back_to_the_page_of_the_form_and_is_not_cached(at_reason_step):
    response = refused_reason(at_reason_step, HTTP_REFERER=f"http://testserver{step_url('reason')}")

    assert f'href="{step_url("reason")}"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_it_gives_a_fresh_form_cookie_so_the_page_can_be_sent_again(at_reason_step):
    response = refused_reason(at_reason_step)
    token = response.cookies["csrftoken"].value

    again = post(
        at_reason_step, step_url("reason"), {"reason": TYPED, "csrfmiddlewaretoken": token}
    )

    assert again.status_code == 302
    assert Intake.objects.get().reason == TYPED


def test_it_never_logs_what_was_typed(at_reason_step, caplog):
    with caplog.at_level(logging.DEBUG):
        refused_reason(at_reason_step)

    assert any("Forbidden" in r.getMessage() for r in caplog.records)
    assert not any("kill myself" in r.getMessage() for r in caplog.records)


def test_it_echoes_only_the_message_and_the_reason(at_reason_step):
    data = {"reason": TYPED, **valid_data("contact")}

    html = post(at_reason_step, step_url("reason"), data).content.decode()

    assert PHI["phone"] not in html and PHI["full_name"] not in html


def test_a_refused_language_switch_on_a_patient_page_links_back_to_it():
    browser = Client(enforce_csrf_checks=True)  # no form cookie
    page = "/intake/status/s3cr3t-token/conversation/"

    response = browser.post(reverse("set_language"), {"language": "es", "next": page})

    html = response.content.decode()
    assert response.status_code == 403
    assert "Your page was not sent" in html and "In crisis or in danger right now?" in html
    assert f'href="{page}"' in html
    assert "<textarea" not in html


def test_a_link_back_never_leads_to_another_site():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("set_language"),
        {"language": "es", "next": "//evil.example/intake/"},
        HTTP_REFERER="https://evil.example/intake/",
    )

    assert "evil.example" not in response.content.decode()
    assert f'href="{reverse("intake:start")}"' in response.content.decode()


def test_a_refused_staff_form_gets_the_staff_page_and_echoes_nothing():
    browser = Client(enforce_csrf_checks=True)
    password = "correct-horse-battery-staple"

    response = browser.post(
        reverse("accounts:login"), {"username": "ana", "password": password, "body": TYPED}
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in html
    assert password not in html and "kill myself" not in html
    assert "Your page was not sent" not in html


def test_the_refused_page_is_in_the_patients_language(at_reason_step):
    at_reason_step.cookies["django_language"] = "es"

    html = refused_reason(at_reason_step).content.decode()

    assert "Su página no se envió" in html
    assert "¿Por qué se comunica con la clínica?" in html
