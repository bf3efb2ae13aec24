"""The private status link: status, update, export, withdraw; expired and revoked links."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case, CaseEvent
from intake import status, tokens
from intake.models import Intake
from tests.factories.cases import make_case, make_intake
from tests.factories.intake import PHI, intake_env  # noqa: F401 - intake_env is a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]


@pytest.fixture
def submitted():
    """A submitted intake with its case, and the token of its status link."""
    intake = make_intake(
        full_name=PHI["full_name"],
        phone=PHI["phone"],
        email=PHI["email"],
        reason=PHI["reason"],
        preferred_contact="phone",
        voicemail_ok=False,
        submitted_at=timezone.now(),
        answers={"phq9": [1] * 9},
    )
    token = tokens.issue(intake)
    intake.save()
    case = make_case(intake=intake)
    return intake, case, token


def url(name: str, token: str) -> str:
    return reverse(f"intake:{name}", args=[token])


def test_the_status_page_shows_the_status_in_plain_words(client, submitted):
    intake, _case, token = submitted

    response = client.get(url("status", token))

    html = response.content.decode()
    assert response.status_code == 200
    assert intake.reference in html
    assert "waiting for a member of the clinic staff to review it" in html
    assert PHI["phone"] in html  # the contact details on file, to check and change


def test_the_status_page_links_to_the_patients_conversation(client, submitted):
    token = submitted[2]

    html = client.get(url("status", token)).content.decode()

    assert f'href="{url("messaging_conversation", token)}"' in html


def test_the_status_page_sends_its_referrer_only_to_this_site_and_is_not_cached(client, submitted):
    response = client.get(url("status", submitted[2]))

    # The token reaches no other site; forms still post this site's Origin (under
    # no-referrer they posted Origin: null, which the CSRF check refuses).
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_link_problem_page_lets_its_language_switch_post_its_origin(client):
    response = client.get(url("status", "z" * 43))

    assert response.status_code == 404
    assert response["Referrer-Policy"] == "same-origin"


def test_reading_the_status_page_is_an_audit_event_by_the_patient(client, submitted):
    intake, _case, token = submitted

    client.get(url("status", token))

    event = AccessEvent.objects.get(object_id=str(intake.pk))
    assert event.action == AccessEvent.Action.VIEW
    assert event.actor is None
    assert event.details["by"] == "patient"
    assert event.patient_ref == intake.reference


def test_an_unknown_token_is_a_404_with_crisis_lines(client, submitted):
    response = client.get(url("status", "x" * 43))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert "988" in response.content.decode()


def test_an_expired_link_no_longer_works(client, submitted, settings):
    _intake, _case, token = submitted

    with time_machine.travel(timezone.now() + timedelta(days=settings.STATUS_LINK_DAYS, hours=1)):
        response = client.get(url("status", token))

    assert response.status_code == 404
    assert "has expired" in response.content.decode()


def test_a_revoked_link_no_longer_works(client, submitted):
    intake, _case, token = submitted

    status.intake_revoke_status_link(intake=intake)
    response = client.get(url("status", token))

    assert response.status_code == 404
    assert "was turned off" in response.content.decode()


def test_only_a_hash_of_the_token_is_stored(submitted):
    intake, _case, token = submitted

    intake.refresh_from_db()
    assert token not in intake.status_token_hash
    assert intake.status_token_hash == tokens.digest(token)
    assert len(token) == 43


def test_the_patient_can_update_contact_details(client, submitted):
    intake, case, token = submitted

    response = client.post(
        url("status_contact", token),
        {"preferred_contact": "email", "phone": "", "email": "new.address@example.org"},
    )

    assert response.status_code == 302
    fresh = Intake.objects.get(pk=intake.pk)
    assert fresh.email == "new.address@example.org"
    assert fresh.preferred_contact == "email"
    assert fresh.full_name == PHI["full_name"]  # name and birth date are not on this form
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()
    assert AccessEvent.objects.filter(action=AccessEvent.Action.UPDATE).exists()


def test_an_invalid_contact_update_says_what_is_wrong(client, submitted):
    response = client.post(
        url("status_contact", submitted[2]), {"preferred_contact": "email", "email": "nope"}
    )

    assert response.status_code == 400
    assert "Enter an e-mail address like name@example.com." in response.content.decode()


def test_the_patient_can_download_their_data_as_json(client, submitted):
    intake, _case, token = submitted

    response = client.post(url("status_export", token))

    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["reference"] == intake.reference
    assert data["contact"]["full_name"] == PHI["full_name"]
    assert data["reason"] == PHI["reason"]
    assert data["answers"] == {"phq9": [1] * 9}
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_withdrawing_needs_a_confirmation(client, submitted):
    intake, _case, token = submitted

    response = client.post(url("status_withdraw", token), {})

    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.SUBMITTED


def test_withdrawal_closes_the_case_and_keeps_the_data_by_default(client, submitted):
    intake, case, token = submitted

    client.post(url("status_withdraw", token), {"confirm": "on"})

    fresh = Intake.objects.get(pk=intake.pk)
    case = Case.objects.get(pk=case.pk)
    assert fresh.status == Intake.Status.WITHDRAWN
    assert fresh.consent.withdrawn_at is not None
    assert case.status == Case.Status.CLOSED
    assert case.disposition == Case.Disposition.CONSENT_WITHDRAWN
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONSENT_WITHDRAWN).exists()
    assert fresh.full_name == PHI["full_name"]
    event = AccessEvent.objects.filter(action=AccessEvent.Action.UPDATE).get()
    assert event.details["withdrawn"] is True and event.details["erased"] is False
    page = client.get(url("status", token)).content.decode()
    assert "You withdrew your consent" in page
    assert "Withdraw my consent" not in page


def test_withdrawal_erases_the_encrypted_data_when_configured(client, submitted, settings):
    settings.WITHDRAWAL_ERASES_DATA = True
    intake, case, token = submitted

    client.post(url("status_withdraw", token), {"confirm": "on"})

    fresh = Intake.objects.get(pk=intake.pk)
    assert (fresh.full_name, fresh.phone, fresh.email, fresh.reason) == ("", "", "", "")
    assert fresh.answers is None
    assert fresh.phone_index == ""
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONSENT_WITHDRAWN).count() == 2


def test_withdrawing_twice_is_harmless(client, submitted):
    _intake, case, token = submitted
    client.post(url("status_withdraw", token), {"confirm": "on"})

    response = client.post(url("status_withdraw", token), {"confirm": "on"})

    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONSENT_WITHDRAWN).count() == 1


def test_posts_work_from_a_no_referrer_page_where_browsers_send_origin_null(submitted):
    intake, _case, token = submitted
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(url("status_withdraw", token), {"confirm": "on"}, HTTP_ORIGIN="null")

    assert response.status_code == 302
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.WITHDRAWN


def test_the_status_page_switches_language_through_its_own_link(client, submitted):
    token = submitted[2]

    response = client.post(url("status", token), {"language": "es"})

    assert response["Location"] == url("status", token)
    assert "Su solicitud" in client.get(url("status", token)).content.decode()


def test_a_language_switch_with_a_bad_token_changes_nothing(client, submitted):
    response = client.post(url("status", "y" * 43), {"language": "es"})

    assert response.status_code == 404
    assert "django_language" not in response.cookies
