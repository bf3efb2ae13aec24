"""Patient conversation in a real Chromium: scripted reply, decline, crisis, takeover.

A patient on their private status link asks about hours (stated from the clinic's
facts, labelled automated), asks about a dose (the approved decline), then writes a crisis message
(crisis content at once, a page raised); a nurse takes over and replies; the patient
sees the reply under the nurse's first name and role. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.test import Client

from intake import tokens
from messaging.models import Conversation, Message
from paging.models import Page
from tests.e2e.conftest import axe_check, new_page, screenshot
from tests.factories.accounts import login_verified
from tests.factories.cases import make_case, make_intake, make_team
from tests.factories.messaging import CRISIS, DOSE, HOURS, make_nurse
from triage import engine

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXTS = engine.default_script().texts


@pytest.fixture
def roles():
    # The live-server database is flushed between tests: recreate the roles.
    importlib.import_module("accounts.migrations.0003_roles").create_roles(django_apps, None)


def shot(page, name: str) -> None:
    screenshot(page, name, folder="conversation")


def send(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send message").click()
    # The thread is swapped in by htmx; the new message appears in it.
    page.locator(".msg-patient .msg-body", has_text=text[:30]).last.wait_for()


def test_patient_and_nurse_in_one_conversation(chromium, live_server, roles):
    cache.clear()  # the status link's rate limit
    team = make_team("north")
    intake = make_intake(team=team, language="en", email="patient@example.org")
    token = tokens.issue(intake)
    intake.save()
    case = make_case(intake=intake)
    nurse = make_nurse(team, first_name="Ana", username="ana")
    staff_client = Client()
    login_verified(staff_client, nurse)

    patient = new_page(chromium, live_server)
    patient.goto(f"/intake/status/{token}/conversation/")
    assert patient.get_by_role("heading", name="Messages with the clinic").is_visible()
    axe_check(patient, "empty conversation")

    # 1. Hours: stated from the clinic's facts (CLINIC_HOURS), labelled as automated.
    send(patient, HOURS)
    reply = patient.locator(".msg-assistant").last
    reply.get_by_text("Monday: 8:00 AM to 6:00 PM", exact=False).wait_for()
    assert "Automated assistant — not a person" in reply.inner_text()
    shot(patient, "1-patient-hours-reply")
    axe_check(patient, "conversation with an automated reply")

    # 2. A dose: the approved decline; the case is flagged for follow-up.
    send(patient, DOSE)
    patient.locator(".msg-assistant").last.get_by_text(
        TEXTS["medical_advice_decline"]["en"]
    ).wait_for()
    case.refresh_from_db()
    assert case.needs_follow_up
    shot(patient, "2-patient-dose-declined")

    # 3. Crisis: crisis content at once, the assistant stops, the on-call nurse is paged.
    send(patient, CRISIS)
    crisis = patient.locator(".conversation-crisis")
    crisis.get_by_text(TEXTS["crisis_resources"]["en"]).wait_for()
    assert patient.get_by_text("With staff", exact=True).is_visible()
    assert Page.objects.filter(case=case).exists()
    assert Message.objects.filter(sender="assistant").count() == 2
    shot(patient, "3-patient-crisis")
    axe_check(patient, "conversation after a crisis message")

    # 4. The nurse opens the conversation (MFA session), takes over and replies.
    nurse_page = new_page(chromium, live_server)
    nurse_page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": staff_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    nurse_page.goto(f"/console/cases/{case.pk}/conversation/")
    nurse_page.get_by_text("Crisis signal").first.wait_for()
    nurse_page.get_by_role("button", name="Take over the conversation").click()
    nurse_page.get_by_text("taken over by").wait_for()
    nurse_page.get_by_label("Reply to the patient").fill(
        "Hello, this is Ana, a nurse at the clinic. I am calling you now."
    )
    nurse_page.get_by_role("button", name="Send reply").click()
    nurse_page.locator(".msg-staff").get_by_text("I am calling you now.").wait_for()
    shot(nurse_page, "4-nurse-took-over-and-replied")
    axe_check(nurse_page, "staff conversation page")
    assert Conversation.objects.get(case=case).taken_over_by == nurse

    # 5. The patient sees the reply under the nurse's first name and role.
    patient.get_by_role("link", name="Check for new messages").click()
    staff_message = patient.locator(".msg-staff").last
    staff_message.get_by_text("I am calling you now.").wait_for()
    assert "Ana — Nurse" in staff_message.inner_text()
    assert patient.locator(".msg-assistant").count() == 2  # nothing automated after the crisis
    shot(patient, "5-patient-sees-nurse-reply")
    axe_check(patient, "conversation with a staff reply")
