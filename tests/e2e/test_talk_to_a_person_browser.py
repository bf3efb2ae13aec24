"""Talk to a person and the live conversation, in a real Chromium, English and Spanish.

The patient presses "I'd like to talk to a person": exactly one callback request, shown
in the nurse's queue as "asked for a person"; once a nurse marks it answered, the
patient types the request: exactly one more. The nurse sees "patient is viewing" and
replies; the reply appears on the patient's open page with no click. Without
JavaScript the button still records the request. Screenshots: test-artifacts/person/.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.test import Client

from intake import tokens
from messaging.models import CallbackRequest
from tests.e2e.conftest import axe_check, new_page, screenshot
from tests.factories.accounts import login_verified
from tests.factories.cases import make_case, make_intake, make_team
from tests.factories.messaging import make_nurse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "locale": "en-US",
        "button": "I'd like to talk to a person",
        "promise": "You asked to talk to a person",
        "typed": "Can I talk to someone?",
        "label": "Your message",
        "send": "Send message",
        "check": "Check for new messages",
    },
    "es": {
        "locale": "es",
        "button": "Quiero hablar con una persona",
        "promise": "Usted pidió hablar con una persona",
        "typed": "quiero hablar con una persona",
        "label": "Su mensaje",
        "send": "Enviar mensaje",
        "check": "Ver si hay mensajes nuevos",
    },
}
REPLY = "Hello, this is Ana from the clinic. I will call you in ten minutes."


@pytest.fixture
def roles():
    # The live-server database is flushed between tests: recreate the roles.
    importlib.import_module("accounts.migrations.0003_roles").create_roles(django_apps, None)


def patient_case(language: str):
    cache.clear()  # the status link's rate limits
    team = make_team("north")
    intake = make_intake(team=team, language=language, phone="+15550100", preferred_contact="phone")
    token = tokens.issue(intake)
    intake.save()
    return team, make_case(intake=intake), token


def nurse_page(chromium, live_server, team):
    nurse = make_nurse(team, first_name="Ana", username="ana")
    staff_client = Client()
    login_verified(staff_client, nurse)
    page = new_page(chromium, live_server)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": staff_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def queue_row(page, case):
    page.goto("/console/")
    return page.locator(f"#case-row-{case.pk}")


@pytest.mark.parametrize("language", ["en", "es"])
def test_asking_for_a_person_and_a_live_reply(chromium, live_server, roles, language):
    words = WORDS[language]
    team, case, token = patient_case(language)
    patient = new_page(chromium, live_server, locale=words["locale"])
    patient.goto(f"/intake/status/{token}/conversation/")

    # 1. The button: exactly one request, with the honest promise and the crisis lines.
    patient.locator('input[name="callback-channel"][value="phone"]').check()
    patient.get_by_role("button", name=words["button"]).click()
    patient.locator("#callback").get_by_text(words["promise"]).wait_for()
    assert patient.locator("#callback .crisis-lines li").count() >= 2
    assert CallbackRequest.objects.filter(case=case).count() == 1
    screenshot(patient, f"{language}-1-patient-asked-by-button", folder="person")
    axe_check(patient, "conversation with a callback request")

    nurse = nurse_page(chromium, live_server, team)
    row = queue_row(nurse, case)
    row.get_by_text("Asked for a person").wait_for()
    screenshot(nurse, f"{language}-2-queue-asked-for-a-person", folder="person")

    # 2. The nurse marks it answered; the patient then types the request: one more.
    nurse.goto(f"/console/cases/{case.pk}/conversation/")
    nurse.get_by_text("Patient is viewing").wait_for()
    nurse.get_by_role("button", name="Mark as answered").click()
    nurse.get_by_text("answered by").wait_for()
    assert queue_row(nurse, case).get_by_text("Asked for a person").count() == 0

    patient.get_by_label(words["label"]).fill(words["typed"])
    patient.get_by_role("button", name=words["send"]).click()
    patient.locator(".msg-assistant").last.get_by_text(words["promise"]).wait_for()
    patient.locator("#callback").get_by_text(words["promise"]).wait_for()  # out of band
    assert CallbackRequest.objects.filter(case=case).count() == 2
    assert (
        CallbackRequest.objects.filter(case=case, resolved_at=None, source="message").count() == 1
    )
    queue_row(nurse, case).get_by_text("Asked for a person").wait_for()

    # 3. The nurse replies; it appears on the patient's open page without a click.
    nurse.goto(f"/console/cases/{case.pk}/conversation/")
    nurse.get_by_text("Patient is viewing").wait_for()
    patient.get_by_label(words["label"]).fill("half-typed, not sent")
    nurse.get_by_label("Reply to the patient").fill(REPLY)
    nurse.get_by_role("button", name="Take over and send reply").click()
    nurse.locator(".msg-staff").get_by_text("I will call you in ten minutes.").wait_for()
    patient.locator(".msg-staff").get_by_text("I will call you in ten minutes.").wait_for(
        timeout=5_000
    )
    assert "Ana" in patient.locator(".msg-staff").last.inner_text()
    # The poll replaced the thread only: what the patient was typing is still there.
    assert patient.get_by_label(words["label"]).input_value() == "half-typed, not sent"
    screenshot(patient, f"{language}-3-patient-sees-live-reply", folder="person")
    axe_check(patient, "conversation after a live reply")
    nurse.context.close()
    patient.context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_without_javascript_the_button_records_one_request(chromium, live_server, roles, language):
    words = WORDS[language]
    _team, case, token = patient_case(language)
    context = chromium.new_context(
        base_url=live_server.url, locale=words["locale"], java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    patient = context.new_page()
    patient.goto(f"/intake/status/{token}/")  # from the status page
    patient.locator('input[name="callback-channel"][value="text"]').check()
    with patient.expect_navigation():
        patient.get_by_role("button", name=words["button"]).click()
    assert patient.url.endswith("/conversation/#callback")
    patient.locator("#callback").get_by_text(words["promise"]).wait_for()
    request = CallbackRequest.objects.get(case=case)
    assert (request.channel, request.source) == ("text", "button")
    # The no-JavaScript way to see new messages is still there.
    assert patient.get_by_role("link", name=words["check"]).is_visible()
    screenshot(patient, f"{language}-no-js-button", folder="person")
    context.close()
