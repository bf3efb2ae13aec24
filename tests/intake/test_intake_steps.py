import pytest
from django.urls import reverse

from intake.models import Consent, ConsentDocument, Intake
from intake.views import DRAFT_KEY
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    PHI,
    fill_draft,
    give_consent,
    intake_env,
    post,
    step_url,
    valid_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]


def draft(client) -> Intake:
    return Intake.objects.get(pk=client.session[DRAFT_KEY])


def test_start_page_offers_both_languages(client):
    response = client.get(reverse("intake:start"))

    assert response.status_code == 200
    assert "Continue in English" in response.content.decode()
    assert "Continuar en español" in response.content.decode()


def test_consent_page_shows_the_published_text_with_an_unticked_box(client):
    response = client.get(reverse("intake:consent"))

    html = response.content.decode()
    assert "not a clinician and it is not a person" in html
    assert "never used to train public artificial intelligence" in html
    assert 'type="checkbox" name="agree"' in html
    assert "checked" not in html.split('name="agree"')[1].split(">")[0]


def test_consent_page_is_in_spanish_when_spanish_was_chosen(client):
    client.cookies["django_language"] = "es"

    html = client.get(reverse("intake:consent")).content.decode()

    assert "No es un profesional clínico y no es una persona" in html
    assert 'lang="es"' in html


def test_nothing_is_stored_when_the_box_is_not_ticked(client):
    document = ConsentDocument.objects.get(language="en", status="published")

    response = post(client, reverse("intake:consent"), {"document": document.pk})

    assert response.status_code == 400
    assert "tick the box to say you agree" in response.content.decode()
    assert Consent.objects.count() == 0
    assert Intake.objects.count() == 0
    assert DRAFT_KEY not in client.session


def test_consent_records_document_version_hash_language_and_method(client):
    give_consent(client, "es")

    intake = draft(client)
    document = ConsentDocument.objects.get(language="es", status="published")
    assert intake.status == Intake.Status.DRAFT
    assert intake.language == "es"
    assert intake.team.slug == "north"
    assert intake.consent.document == document
    assert intake.consent.document_version == document.version
    assert intake.consent.document_hash == document.body_hash
    assert intake.consent.language == "es"
    assert intake.consent.method == Consent.Method.WEB_CHECKBOX


def test_the_draft_id_lives_in_the_session_not_the_url(client):
    response = give_consent(client)

    intake = draft(client)
    assert str(intake.pk) not in response["Location"]
    assert response["Location"] == step_url("contact")


def test_a_missing_team_shows_a_clear_page_with_crisis_lines(client, settings):
    settings.INTAKE_DEFAULT_TEAM = "nowhere"
    document = ConsentDocument.objects.get(language="en", status="published")

    response = post(client, reverse("intake:consent"), {"document": document.pk, "agree": "on"})

    assert response.status_code == 503
    html = response.content.decode()
    assert "not available right now" in html
    assert "988" in html
    assert Intake.objects.count() == 0 and Consent.objects.count() == 0


def test_steps_cannot_be_opened_before_consent(client):
    response = client.get(step_url("contact"))

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:consent")


def test_a_later_step_cannot_be_skipped_to(client):
    give_consent(client)

    response = client.get(step_url("gad7"))

    assert response["Location"] == step_url("contact")


def test_contact_errors_are_specific_and_next_to_their_field(client):
    give_consent(client)

    response = post(
        client,
        step_url("contact"),
        {"full_name": "", "date_of_birth": "2999-01-01", "preferred_contact": "email"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter your name, so we know who to ask for." in html
    assert "Your date of birth must be in the past." in html
    assert "Enter an e-mail address, so we can write to you." in html
    assert 'id="id_full_name-error"' in html
    assert 'aria-describedby="id_full_name-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_full_name"' in html  # the error summary links to the field


def test_phone_is_needed_for_a_call_and_voicemail_answer_for_a_phone(client):
    give_consent(client)

    response = post(
        client,
        step_url("contact"),
        valid_data("contact") | {"phone": "", "preferred_contact": "text"},
    )
    assert "Enter a phone number, so we can call or text you." in response.content.decode()

    response = post(client, step_url("contact"), valid_data("contact") | {"voicemail_ok": ""})
    assert "whether we may leave a voicemail" in response.content.decode()


def test_lengths_are_bounded(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))

    response = post(client, step_url("reason"), {"reason": "x" * 4001})

    assert response.status_code == 400
    assert "4,000 characters or fewer (it has 4001)" in response.content.decode()


def test_a_validation_error_keeps_the_valid_answers_after_a_refresh(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact") | {"date_of_birth": "not a date"})

    html = client.get(step_url("contact")).content.decode()

    assert PHI["full_name"] in html
    assert PHI["phone"] in html
    assert draft(client).step == 1  # not past contact


def test_going_back_shows_the_saved_answers(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))
    post(client, step_url("reason"), valid_data("reason"))

    contact = client.get(step_url("contact")).content.decode()
    reason = client.get(step_url("reason")).content.decode()

    assert PHI["email"] in contact
    assert PHI["reason"] in reason


def test_screener_items_are_radio_groups_in_fieldsets_with_legends(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))
    post(client, step_url("reason"), valid_data("reason"))

    html = client.get(step_url("phq9")).content.decode()

    assert html.count("<fieldset") == 10  # nine items and the optional closing question
    assert "Little interest or pleasure in doing things" in html
    assert "Nearly every day" in html
    assert 'aria-current="step"' in html


def test_a_missing_screener_answer_names_the_question_and_keeps_the_others(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))
    post(client, step_url("reason"), valid_data("reason"))
    answers = valid_data("phq9")
    del answers["q4"]

    response = post(client, step_url("phq9"), answers)

    assert response.status_code == 400
    assert "Choose an answer for question 4." in response.content.decode()
    assert draft(client).answers["phq9"] == [1, 1, 1, None, 1, 1, 1, 1, 0]


def test_asq_follow_up_is_asked_only_after_a_yes(client):
    give_consent(client)
    for key in ("contact", "reason", "phq9", "gad7"):
        post(client, step_url(key), valid_data(key))

    no = post(client, step_url("asq"), valid_data("asq"))
    assert no["Location"] == step_url("demographics")
    assert client.get(step_url("asq_now"))["Location"] == step_url("demographics")

    yes = post(client, step_url("asq"), valid_data("asq") | {"q1": "yes"})
    assert yes["Location"] == step_url("asq_now")
    html = client.get(step_url("asq_now")).content.decode()
    assert "Are you having thoughts of killing yourself right now?" in html


def test_screeners_are_worded_in_spanish(client):
    give_consent(client, "es")
    post(client, step_url("contact"), valid_data("contact"))
    post(client, step_url("reason"), valid_data("reason"))

    html = client.get(step_url("phq9")).content.decode()

    assert "Poco interés o placer en hacer cosas" in html
    assert "Casi todos los días" in html


def test_demographics_are_optional_with_prefer_not_to_say(client):
    give_consent(client)
    for key in ("contact", "reason", "phq9", "gad7", "asq"):
        post(client, step_url(key), valid_data(key))

    html = client.get(step_url("demographics")).content.decode()
    response = post(client, step_url("demographics"), {})

    assert html.count("Prefer not to say") == 3
    assert response["Location"] == step_url("review")


def test_the_review_lists_the_answers_with_links_to_change_them(client):
    fill_draft(client)

    html = client.get(step_url("review")).content.decode()

    assert PHI["full_name"] in html
    assert PHI["reason"] in html
    assert step_url("phq9") in html
    assert "Send my request" in html


def test_the_language_switch_mid_way_is_stored_on_the_intake(client):
    give_consent(client)
    client.cookies["django_language"] = "es"

    post(client, step_url("contact"), valid_data("contact"))

    assert draft(client).language == "es"


def test_start_over_deletes_the_unsent_draft(client):
    give_consent(client)

    client.post(reverse("intake:restart"))

    assert Intake.objects.count() == 0 and Consent.objects.count() == 0


def test_a_follow_up_no_longer_asked_does_not_trap_the_patient(client):
    give_consent(client)
    for key in ("contact", "reason", "phq9", "gad7"):
        post(client, step_url(key), valid_data(key))
    post(client, step_url("asq"), valid_data("asq") | {"q1": "yes"})
    # Back on the ASQ page, the yes becomes a no but another answer is left out.
    post(client, step_url("asq"), {"q1": "no", "q2": "no", "q3": "no"})

    response = client.get(step_url("asq_now"))

    assert response["Location"] == step_url("asq")
    assert client.get(step_url("asq")).status_code == 200


def test_phq9_closing_question_is_optional_and_saved(client):
    give_consent(client)
    post(client, step_url("contact"), valid_data("contact"))
    post(client, step_url("reason"), valid_data("reason"))

    html = client.get(step_url("phq9")).content.decode()
    post(client, step_url("phq9"), valid_data("phq9") | {"difficulty": "2"})

    assert "how difficult have these problems made it" in html
    assert draft(client).answers["phq9_difficulty"] == 2
    assert 'value="2" required' not in html
