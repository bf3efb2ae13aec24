"""The live conversation: the patient's poll (cheap, quiet in the audit trail, only the
link holder's conversation), "patient is viewing" for staff, the button's view, and
"asked for a person" in the queue."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from intake import tokens
from messaging import live, services
from messaging.models import CallbackRequest, Conversation, Message
from tests.factories.cases import make_case, make_intake, make_team
from tests.factories.console import make_triaged_case, signed_in
from tests.factories.messaging import make_message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def patient_link(team, **intake_fields):
    intake = make_intake(team=team, **intake_fields)
    token = tokens.issue(intake)
    intake.save()
    return make_case(intake=intake), token


def poll_url(token, state=""):
    url = reverse("intake:messaging_poll", args=[token])
    return f"{url}?state={state}" if state else url


def current_state(case):
    return live.state_of(Conversation.objects.get(case=case))


def conversation_views():
    return AccessEvent.objects.filter(object_type="messaging.conversation", action="view")


def test_a_poll_with_nothing_new_answers_204_and_records_nothing(client, team):
    case, token = patient_link(team)
    services.message_post_from_patient(case=case, body="Hello")
    response = client.get(poll_url(token, current_state(case)))
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert not conversation_views().exists()


def test_a_poll_after_a_nurse_replies_brings_the_reply_and_records_one_read(client, team, nurse):
    case, token = patient_link(team)
    state = current_state(services.conversation_for_case(case=case).case)
    services.message_post_from_staff(
        conversation=Conversation.objects.get(case=case), user=nurse, body="Hello, this is Ana."
    )
    response = client.get(poll_url(token, state))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="conversation-live"')
    assert "Hello, this is Ana." in content and "Ana — Nurse" in content
    assert 'hx-swap-oob="innerHTML"' in content  # read out through the status region
    assert f"state={current_state(case)}" in content  # the next poll asks from here
    event = conversation_views().get()
    assert event.details == {"by": "patient", "via": "poll"}
    assert event.patient_ref == case.reference


@pytest.mark.parametrize("messages", [1, 25])
def test_a_quiet_poll_runs_the_same_few_queries_however_long_the_thread(
    client, team, messages, django_assert_num_queries
):
    case, token = patient_link(team)
    conversation = services.conversation_for_case(case=case)
    for n in range(messages):
        make_message(conversation, body=f"message {n}")
    url = poll_url(token, current_state(case))
    client.get(url)  # writes "last seen"; the next one within 5 s does not
    # The token's intake, the conversation with its case, the conditional "last seen"
    # update and the newest message: nothing else, and no write of the audit chain.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 204


def test_a_poll_only_ever_shows_the_link_holders_conversation(client, team, nurse):
    mine, my_token = patient_link(team)
    theirs, _their_token = patient_link(team)
    services.message_post_from_staff(
        conversation=services.conversation_for_case(case=theirs), user=nurse, body="For them only"
    )
    services.conversation_for_case(case=mine)
    # Whatever the state says (another conversation's newest message), the token decides.
    other_state = current_state(theirs)
    content = client.get(poll_url(my_token, other_state)).content.decode()
    assert "For them only" not in content
    assert conversation_views().get().patient_ref == mine.reference


@pytest.mark.parametrize("token", ["x" * 43, "short", "../../etc"])
def test_a_link_that_does_not_work_stops_the_polling(client, token):
    response = client.get(f"/intake/status/{token}/conversation/poll/")
    assert response.status_code in (286, 404)
    assert not conversation_views().exists()


def test_a_revoked_link_stops_the_polling(client, team):
    case, token = patient_link(team)
    services.conversation_for_case(case=case)
    case.intake.__class__.objects.filter(pk=case.intake_id).update(
        status_token_revoked_at=timezone.now()
    )
    assert client.get(poll_url(token)).status_code == 286


def test_last_seen_is_written_at_most_every_few_seconds(client, team):
    case, token = patient_link(team)
    conversation = services.conversation_for_case(case=case)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(poll_url(token))
    conversation.refresh_from_db()
    assert conversation.patient_seen_at == start
    with time_machine.travel(start + dt.timedelta(seconds=2), tick=False):
        client.get(poll_url(token))
    conversation.refresh_from_db()
    assert conversation.patient_seen_at == start
    later = start + dt.timedelta(seconds=live.SEEN_WRITE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        client.get(poll_url(token))
    conversation.refresh_from_db()
    assert conversation.patient_seen_at == later


def test_polls_have_their_own_limit(client, team, settings):
    settings.PATIENT_POLL_RATE_LIMIT = 3
    case, token = patient_link(team)
    services.conversation_for_case(case=case)
    codes = [client.get(poll_url(token)).status_code for _ in range(4)]
    assert codes[-1] == 429 and 429 not in codes[:3]
    # The page itself is still there: the status link's own limit is separate.
    assert client.get(reverse("intake:messaging_conversation", args=[token])).status_code == 200


def test_the_page_polls_without_javascript_losing_its_button(client, team):
    _case, token = patient_link(team)
    content = client.get(reverse("intake:messaging_conversation", args=[token])).content.decode()
    assert 'hx-trigger="every 3s"' in content
    assert reverse("intake:messaging_poll", args=[token]) in content
    assert "Check for new messages" in content  # the no-JavaScript way stays
    assert "I'd like to talk to a person" in content


# ---- staff: patient is viewing ------------------------------------------------------------


def presence_url(case):
    return reverse("console:messaging_presence", args=[case.pk])


def test_the_nurse_sees_patient_is_viewing_while_the_page_polls(nurse_client, team):
    client = Client()  # the patient: no session
    case, token = patient_link(team)
    services.conversation_for_case(case=case)
    assert (
        "does not have the conversation open"
        in nurse_client.get(presence_url(case)).content.decode()
    )
    client.get(poll_url(token))
    content = nurse_client.get(presence_url(case)).content.decode()
    assert "Patient is viewing" in content
    assert "X-Background-Poll" in content
    assert not AccessEvent.objects.filter(actor__isnull=False, action="view").exists()
    page = nurse_client.get(reverse("console:messaging_conversation", args=[case.pk]))
    assert "Patient is viewing" in page.content.decode()


def test_viewing_ends_after_the_viewing_window(nurse_client, team, settings):
    client = Client()
    case, token = patient_link(team)
    services.conversation_for_case(case=case)
    client.get(poll_url(token))
    later = timezone.now() + dt.timedelta(seconds=settings.PATIENT_VIEWING_SECONDS + 1)
    with time_machine.travel(later):
        assert "Patient is viewing" not in nurse_client.get(presence_url(case)).content.decode()


def test_presence_of_another_teams_case_is_a_404_on_record(nurse_client):
    other = make_case(team=make_team("south"))
    assert nurse_client.get(presence_url(other)).status_code == 404
    assert AccessEvent.objects.filter(outcome="denied").exists()


# ---- the button -----------------------------------------------------------------------------


def test_the_button_records_one_request_and_lands_on_the_promise(client, team):
    case, token = patient_link(team, preferred_contact="email", email="p@example.org")
    url = reverse("intake:messaging_callback", args=[token])
    data = {"callback-channel": "phone", "callback-window": "afternoon"}
    response = client.post(url, data)
    assert response.status_code == 303
    assert response["Location"].endswith("/conversation/#callback")
    client.post(url, data)
    request = CallbackRequest.objects.get(case=case)
    assert (request.channel, request.window) == ("phone", "afternoon")
    page = client.get(response["Location"]).content.decode()
    assert "You asked to talk to a person" in page
    assert "How: Phone call. When: Afternoon." in page


def test_the_button_without_a_choice_says_what_is_missing_and_records_nothing(client, team):
    _case, token = patient_link(team)
    response = client.post(reverse("intake:messaging_callback", args=[token]), {})
    assert response.status_code == 400
    assert "Choose how we should contact you." in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_a_closed_request_offers_no_button(client, team):
    case, token = patient_link(team)
    case.intake.__class__.objects.filter(pk=case.intake_id).update(status="withdrawn")
    response = client.post(
        reverse("intake:messaging_callback", args=[token]), {"callback-channel": "phone"}
    )
    assert response.status_code == 303
    assert not CallbackRequest.objects.exists()
    status_page = client.get(reverse("intake:status", args=[token])).content.decode()
    assert "talk to a person" not in status_page


def test_the_status_page_offers_the_button(client, team):
    _case, token = patient_link(team)
    content = client.get(reverse("intake:status", args=[token])).content.decode()
    assert reverse("intake:messaging_callback", args=[token]) in content


def test_the_nurse_marks_it_answered_from_the_conversation(nurse_client, team):
    case, _token = patient_link(team)
    services.message_post_from_patient(case=case, body="Can I talk to someone?")
    page = nurse_client.get(reverse("console:messaging_conversation", args=[case.pk]))
    assert "Asked for a person" in page.content.decode()
    response = nurse_client.post(reverse("console:messaging_callback_resolve", args=[case.pk]))
    assert response.status_code == 303
    assert CallbackRequest.objects.get(case=case).resolved_at is not None


# ---- the queue --------------------------------------------------------------------------------


def test_the_queue_shows_asked_for_a_person_in_constant_queries(client, team):
    signed_in(client, Role.NURSE, team)
    first = make_triaged_case(team)
    client.get(reverse("console:queue_rows"))
    with CaptureQueriesContext(connection) as before:
        plain = client.get(reverse("console:queue_rows")).content.decode()
    assert "Asked for a person" not in plain
    for case in [first, *(make_triaged_case(team) for _ in range(5))]:
        CallbackRequest.objects.create(
            case=case, channel="phone", source="button", due_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as after:
        content = client.get(reverse("console:queue_rows")).content.decode()
    assert content.count("Asked for a person") == 6
    assert len(after) == len(before)


def test_a_typed_request_is_answered_by_the_labelled_assistant(team):
    case, _token = patient_link(team)
    services.message_post_from_patient(case=case, body="Can I talk to someone?")
    assert Message.objects.filter(sender="assistant", reply_text_id="callback_requested").exists()
