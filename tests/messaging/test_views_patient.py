import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from audit.models import AccessEvent
from intake import tokens
from messaging.models import Message
from paging.models import Page
from tests.factories.cases import make_case, make_intake
from tests.factories.messaging import CRISIS, DOSE, HOURS
from triage import engine

pytestmark = pytest.mark.django_db

WITHDRAW = "How do I withdraw my consent?"
APPROVED = {
    k: {lang: escape(t) for lang, t in v.items()} for k, v in engine.default_script().texts.items()
}  # as they appear in HTML


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def patient(team):
    intake = make_intake(team=team)
    token = tokens.issue(intake)
    intake.save()
    case = make_case(intake=intake)
    return case, reverse("intake:messaging_conversation", args=[token])


def test_it_shows_the_conversation_privately_and_records_the_read(client, patient):
    case, url = patient
    response = client.get(url)
    assert response.status_code == 200
    # The token in the URL reaches no other site; forms still post this site's Origin.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    event = AccessEvent.objects.get(object_type="messaging.conversation")
    assert event.patient_ref == case.reference
    assert event.details["by"] == "patient"


def test_an_unknown_link_shows_the_link_problem_page(client):
    response = client.get(reverse("intake:messaging_conversation", args=["x" * 43]))
    assert response.status_code == 404


def test_it_answers_with_the_labelled_approved_reply(client, patient):
    _case, url = patient
    response = client.post(url, {"body": WITHDRAW})
    assert response.status_code == 200
    content = response.content.decode()
    assert WITHDRAW in content
    assert APPROVED["withdraw_consent"]["en"] in content
    assert "Automated assistant — not a person" in content


def test_it_declines_a_dose_question(client, patient):
    case, url = patient
    content = client.post(url, {"body": DOSE}).content.decode()
    assert APPROVED["medical_advice_decline"]["en"] in content
    case.refresh_from_db()
    assert case.needs_follow_up


def test_a_crisis_message_shows_crisis_content_in_the_same_response(client, patient):
    case, url = patient
    content = client.post(url, {"body": CRISIS}).content.decode()
    assert APPROVED["crisis_resources"]["en"] in content
    assert 'role="alert"' in content
    assert "With staff" in content
    assert Page.objects.filter(case=case).exists()
    assert not Message.objects.filter(sender="assistant").exists()
    # Still shown later, right after the message.
    assert APPROVED["crisis_resources"]["en"] in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("   ", "Write a message before sending."),
        ("y" * 4001, "at most 4000 characters (it has 4001)"),
        ("PK\x03\x04\x00binary", "cannot be sent"),
    ],
)
def test_a_bad_message_gets_a_clear_error_and_keeps_the_text(client, patient, body, error):
    _case, url = patient
    response = client.post(url, {"body": body})
    assert response.status_code == 400
    content = response.content.decode()
    assert error in content
    assert 'aria-invalid="true"' in content
    if body.strip() and "\x00" not in body:
        assert body in content
    if "\x00" in body:
        assert "binary" in content  # kept, with the unprintable characters marked
    assert not Message.objects.exists()


def test_htmx_gets_the_thread_fragment_even_for_an_error(client, patient):
    _case, url = patient
    response = client.post(url, {"body": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="conversation"')
    assert "Write a message before sending." in content


def test_a_withdrawn_patient_cannot_write(client, patient):
    case, url = patient
    case.intake.__class__.objects.filter(pk=case.intake_id).update(status="withdrawn")
    response = client.post(url, {"body": HOURS})
    assert response.status_code == 400
    assert not Message.objects.exists()
    assert "closed" in response.content.decode()


def test_the_status_help_page_shows_no_patient_data(client):
    response = client.get(reverse("intake:status_help"))
    assert response.status_code == 200
    assert "private link" in response.content.decode()


def test_the_status_help_page_lets_its_language_switch_post_its_origin(client):
    # Under no-referrer the browser posts Origin: null and set_language answers 403.
    response = client.get(reverse("intake:status_help"))
    assert response["Referrer-Policy"] == "same-origin"


def test_a_message_posted_with_origin_null_is_stored_scanned_and_paged(patient):
    # What Chromium sent without JavaScript from the old no-referrer page: a 403, and
    # "I want to kill myself tonight" was neither stored, scanned nor paged.
    case, url = patient
    browser = Client(enforce_csrf_checks=True)
    browser.get(url)
    token = browser.cookies["csrftoken"].value

    response = browser.post(url, {"body": CRISIS, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")

    assert response.status_code == 200
    assert APPROVED["crisis_resources"]["en"] in response.content.decode()
    assert Message.objects.get(sender="patient").body == CRISIS
    assert Page.objects.filter(case=case).exists()


def test_a_message_from_a_browser_that_keeps_no_cookies_is_stored(patient):
    case, url = patient
    browser = Client(enforce_csrf_checks=True)  # no CSRF cookie, no token, no Origin

    response = browser.post(url, {"body": CRISIS})

    assert response.status_code == 200
    assert Message.objects.get(sender="patient").body == CRISIS
    assert Page.objects.filter(case=case).exists()


def test_the_language_switch_works_from_the_conversation_page(patient):
    _case, url = patient
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url)
    assert page["Referrer-Policy"] == "same-origin"  # so the browser sends its Origin
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        reverse("set_language"),
        {"language": "es", "next": url, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert "Mensajes con la clínica" in browser.get(url).content.decode()


def test_with_staff_a_message_gets_the_saved_note_and_no_automated_reply(client, patient):
    from messaging import services
    from tests.factories.messaging import make_nurse

    case, url = patient
    conversation = services.conversation_for_case(case=case)
    services.conversation_take_over(conversation=conversation, user=make_nurse(case.team))
    content = client.post(url, {"body": HOURS}).content.decode()
    assert APPROVED["message_received"]["en"] in content
    assert APPROVED["handed_to_person"]["en"] in content
    assert not Message.objects.filter(sender="assistant").exists()


def test_a_spanish_speaking_patient_gets_everything_in_spanish(client, team):
    intake = make_intake(team=team, language="es")
    token = tokens.issue(intake)
    intake.save()
    make_case(intake=intake)
    url = reverse("intake:messaging_conversation", args=[token])
    client.cookies["django_language"] = "es"

    content = client.post(url, {"body": "¿Cómo retiro mi consentimiento?"}).content.decode()
    assert APPROVED["withdraw_consent"]["es"] in content
    assert "Asistente automatizado — no es una persona" in content
    assert "Enviar mensaje" in content

    content = client.post(url, {"body": "quiero morirme"}).content.decode()
    assert APPROVED["crisis_resources"]["es"] in content
    assert "Con el personal" in content

    content = client.post(url, {"body": ""}).content.decode()
    assert "Escriba un mensaje antes de enviarlo." in content
