"""A crisis written during the intake pages the nurse at once, sent or not (issue 15)."""

import pytest
from django.urls import reverse

from cases.models import Case
from cases.scanning import case_scan_of_record
from cases.selectors import cases_missing_scan
from intake.models import Intake
from intake.submission import DRAFT_CRISIS
from intake.views import DRAFT_KEY
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    give_consent,
    intake_env,
    post,
    step_url,
    submit,
    valid_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]

CRISIS_TEXT = "I'm going to end it tonight. I have the pills counted out."


def draft(client) -> Intake:
    return Intake.objects.get(pk=client.session[DRAFT_KEY])


def reach_reason(client, language: str = "en") -> None:
    give_consent(client, language)
    assert post(client, step_url("contact"), valid_data("contact")).status_code == 302


def test_crisis_text_at_the_reason_step_pages_before_any_further_step(client):
    reach_reason(client)

    response = post(client, step_url("reason"), {"reason": CRISIS_TEXT})

    assert response.status_code == 302 and response["Location"] == reverse("intake:crisis_now")
    intake = draft(client)
    assert intake.status == Intake.Status.DRAFT and intake.reason == CRISIS_TEXT
    case = Case.objects.get(intake=intake)
    assert case.crisis and case.acuity == "emergent"
    assert case.pages.count() == 1
    assert case.events.filter(summary=DRAFT_CRISIS).exists()


def test_the_crisis_screen_offers_lines_to_tap_and_the_way_back_to_the_form(client, settings):
    settings.CLINIC_PHONE = "+1 (555) 010-0100"
    reach_reason(client)
    post(client, step_url("reason"), {"reason": CRISIS_TEXT})

    html = client.get(reverse("intake:crisis_now")).content.decode()

    for link in ('href="tel:988"', 'href="sms:988"', 'href="tel:911"', 'href="sms:741741'):
        assert link in html
    assert 'href="tel:+15550100100"' in html and "Call the clinic: +1 (555) 010-0100" in html
    assert "The clinic has been alerted" in html
    assert f'href="{step_url("phq9")}"' in html  # back to the form, at the next page
    assert Case.objects.get(intake=draft(client)).reference in html


def test_the_crisis_screen_is_in_spanish_for_a_spanish_intake(client):
    reach_reason(client, "es")
    post(client, step_url("reason"), {"reason": "Ya no quiero vivir, esta noche lo voy a hacer"})

    html = client.get(reverse("intake:crisis_now")).content.decode()

    assert "Se ha avisado a la clínica" in html and 'href="tel:988"' in html


def test_sending_later_joins_the_same_case_with_one_page(client):
    reach_reason(client)
    post(client, step_url("reason"), {"reason": CRISIS_TEXT})
    for key in ("phq9", "gad7", "asq", "demographics"):
        assert post(client, step_url(key), valid_data(key)).status_code == 302

    response = submit(client)

    assert response["Location"] == reverse("intake:crisis")
    case = Case.objects.get()
    assert case.intake.status == Intake.Status.SUBMITTED
    assert case.pages.count() == 1
    assert case.events.filter(summary__startswith="Intake submitted (its case").exists()


def test_the_asq_acute_question_pages_at_once(client):
    reach_reason(client)
    post(client, step_url("reason"), valid_data("reason"))
    for key in ("phq9", "gad7"):
        post(client, step_url(key), valid_data(key))
    post(client, step_url("asq"), valid_data("asq", crisis=True))

    response = post(client, step_url("asq_now"), {"q5": "yes"})

    assert response["Location"] == reverse("intake:crisis_now")
    case = Case.objects.get(intake=draft(client))
    assert case.crisis and case.acuity == "emergent" and case.pages.count() == 1


def test_a_calm_reason_goes_on_to_the_next_page_and_opens_no_case(client):
    reach_reason(client)

    response = post(client, step_url("reason"), {"reason": "Can I book a therapy intake?"})

    assert response["Location"] == step_url("phq9")
    assert not Case.objects.exists()


def test_a_second_crisis_in_the_same_draft_joins_the_page(client):
    reach_reason(client)
    post(client, step_url("reason"), {"reason": CRISIS_TEXT})
    post(client, step_url("reason"), {"reason": CRISIS_TEXT + " Goodbye."})

    case = Case.objects.get()
    assert case.pages.count() == 1


def test_an_abandoned_crisis_draft_stays_a_case(client):
    reach_reason(client)
    post(client, step_url("reason"), {"reason": CRISIS_TEXT})
    intake = draft(client)

    client.post(reverse("intake:restart"))

    assert Intake.objects.filter(pk=intake.pk).exists()
    assert Case.objects.get(intake=intake).pages.count() == 1


def test_the_scan_of_record_waits_for_the_intake_to_be_sent(client):
    reach_reason(client)
    post(client, step_url("reason"), {"reason": CRISIS_TEXT})
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(opened_at=case.opened_at.replace(year=2020))

    assert case_scan_of_record(case_id=case.pk) is None
    assert list(cases_missing_scan()) == []


def test_the_queue_and_the_case_page_say_the_intake_was_not_sent(client):
    from accounts.roles import Role
    from tests.factories.accounts import login_verified, make_staff

    reach_reason(client)
    post(client, step_url("reason"), {"reason": CRISIS_TEXT})
    case = Case.objects.get()
    nurse = make_staff(Role.NURSE, team=case.team)
    staff = client.__class__()
    login_verified(staff, nurse)

    queue = staff.get(reverse("console:home")).content.decode()
    page = staff.get(reverse("console:case", args=[case.pk])).content.decode()

    assert "Crisis during intake, not sent" in queue
    assert 'id="not-sent"' in page


def test_a_non_acute_asq_positive_waits_for_the_intake_to_be_sent(client):
    reach_reason(client)
    post(client, step_url("reason"), valid_data("reason"))
    for key in ("phq9", "gad7"):
        post(client, step_url(key), valid_data(key))
    post(client, step_url("asq"), valid_data("asq", crisis=True))

    response = post(client, step_url("asq_now"), {"q5": "no"})

    assert response["Location"] == step_url("demographics")
    assert not Case.objects.exists()
