import pytest
from django.urls import reverse

from audit.models import AccessEvent
from messaging import services
from messaging.models import Conversation, Message
from tests.factories.accounts import login_verified, make_staff
from tests.factories.cases import make_team
from tests.factories.messaging import CRISIS, HOURS, UNKNOWN

pytestmark = pytest.mark.django_db


def url(case, name="messaging_conversation"):
    return reverse(f"console:{name}", args=[case.pk])


def test_it_shows_the_conversation_and_records_the_read(nurse_client, case):
    services.message_post_from_patient(case=case, body=UNKNOWN)
    response = nurse_client.get(url(case))
    assert response.status_code == 200
    content = response.content.decode()
    assert UNKNOWN in content
    assert "approved text “cannot_answer”" in content
    event = AccessEvent.objects.get(object_type="messaging.conversation", action="view")
    assert event.patient_ref == case.reference
    assert event.object_id == str(Conversation.objects.get(case=case).pk)


def test_it_needs_a_verified_session(client, nurse, case):
    client.force_login(nurse)  # password only, no second factor
    response = client.get(url(case))
    assert response.status_code == 302
    assert not AccessEvent.objects.filter(object_type="messaging.conversation").exists()


def test_a_nurse_of_another_team_gets_a_404_on_record(client, case):
    outsider = make_staff("nurse", team=make_team("south"))
    login_verified(client, outsider)
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case, "messaging_reply"), {"body": "hi"}).status_code == 404
    assert AccessEvent.objects.filter(outcome="denied", patient_ref=case.reference).exists()
    assert not Message.objects.exists()


def test_take_over_silences_the_assistant(nurse_client, nurse, case):
    response = nurse_client.post(url(case, "messaging_take_over"))
    assert response.status_code == 303
    conversation = Conversation.objects.get(case=case)
    assert conversation.taken_over_by == nurse
    assert services.message_post_from_patient(case=case, body=HOURS).reply is None


def test_a_reply_reaches_the_patient_with_name_and_role(nurse_client, case):
    response = nurse_client.post(
        url(case, "messaging_reply"), {"body": "I will call you at 3pm."}, follow=True
    )
    assert response.status_code == 200
    message = Message.objects.get(sender="staff")
    assert message.body == "I will call you at 3pm."
    assert (message.sender_name, message.sender_role) == ("Ana", "nurse")
    assert "Ana — Nurse" in response.content.decode()


def test_htmx_gets_the_section_back(nurse_client, case):
    services.message_post_from_patient(case=case, body=CRISIS)
    response = nurse_client.post(
        url(case, "messaging_reply"), {"body": "Calling you now."}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="case-conversation"')
    assert "Crisis signal" in content
    assert "Calling you now." in content


def test_an_empty_reply_keeps_the_form_with_an_error(nurse_client, case):
    response = nurse_client.post(url(case, "messaging_reply"), {"body": " "})
    assert response.status_code == 400
    assert "Write a message before sending." in response.content.decode()
    assert not Message.objects.exists()
    assert not Conversation.objects.filter(case=case, taken_over_by__isnull=False).exists()


def test_showing_a_conversation_not_started_writes_nothing_but_the_read(nurse_client, case):
    response = nurse_client.get(url(case, "messaging_conversation"))

    assert response.status_code == 200
    assert 'id="case-conversation"' in response.content.decode()
    assert not Conversation.objects.filter(case=case).exists()
    assert AccessEvent.objects.filter(object_type="messaging.conversation").count() == 1
