"""Properties of the conversation, over random sequences of what patients and staff do.

Whatever the order of patient messages, crisis messages, staff takeovers, staff
replies and scans of record: no automated reply ever follows a crisis signal or a
takeover, and every automated reply is an approved text of the script, in the
conversation's language, or one of the fixed answers built from the clinic's facts
(hours, phone, address) or to a request for a person; no message with a crisis signal
made a callback request.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cases.models import CrisisSignal
from messaging import assistant, callbacks, clinic, scanning, services
from messaging.bodies import body_problem
from messaging.models import CallbackRequest, Conversation, Message
from tests.factories.cases import make_case, make_intake, make_team
from tests.factories.messaging import CRISIS, CRISIS_ES, DOSE, HOURS, UNKNOWN, make_nurse
from triage import engine

pytestmark = pytest.mark.django_db

SCRIPT = engine.default_script()

ORDINARY = [
    HOURS,
    DOSE,
    UNKNOWN,
    "When will someone call me back?",
    "How do I withdraw my consent?",
    "I have a new email address, how do I update my contact details?",
    "¿Cuál es su horario?",
    "¿Qué dosis de sertralina debo tomar?",
    "Gracias",
    "Can I talk to someone?",
    "quiero hablar con una persona",
    "What time do you open on Monday?",
    "¿A qué hora abren el lunes?",
]
# Built by the code from the clinic's facts and the callback promise, not script texts.
BUILT_REPLY_IDS = {*clinic.FACT_TEXT_IDS.values(), callbacks.CALLBACK_TEXT_ID}
CRISES = [
    CRISIS,
    CRISIS_ES,
    "I can't go on, I want to end my life",
    "My husband hits me when he drinks",
    "I took all my sleeping pills an hour ago",
]

free_text = st.text(min_size=1, max_size=300).filter(lambda t: body_problem(t.strip()) is None)


class Conversations(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        team = make_team("north")
        self.case = make_case(intake=make_intake(team=team, language="en"))
        self.conversation = services.conversation_for_case(case=self.case)
        self.nurse = make_nurse(team, username=f"nurse-{self.conversation.pk}")
        self.silenced = False

    def _patient(self, text: str) -> None:
        result = services.message_post_from_patient(case=self.case, body=text)
        if self.silenced or result.crisis:
            assert result.reply is None, "the assistant answered after it was silenced"
        else:
            assert result.reply is not None, "the automated conversation left a message unanswered"
        self.silenced = self.silenced or result.crisis

    @rule(text=st.sampled_from(ORDINARY))
    def patient_asks(self, text):
        self._patient(text)

    @rule(text=free_text)
    def patient_writes_anything(self, text):
        self._patient(text)

    @rule(text=st.sampled_from(CRISES))
    def patient_in_crisis(self, text):
        self._patient(text)
        assert self.silenced

    @rule()
    def staff_take_over(self):
        services.conversation_take_over(conversation=self.conversation, user=self.nurse)
        self.silenced = True

    @rule(text=st.sampled_from(["Hello, I'm Ana.", "I'll call you in ten minutes."]))
    def staff_reply(self, text):
        services.message_post_from_staff(conversation=self.conversation, user=self.nurse, body=text)
        self.silenced = True

    @rule()
    def scan_of_record(self):
        pending = Message.objects.filter(conversation=self.conversation, scan_status="pending")
        for pk in pending.values_list("pk", flat=True):
            if scanning.message_scan_of_record(message_id=pk) == "signal":
                self.silenced = True

    @invariant()
    def no_automated_reply_after_a_crisis_or_a_takeover(self):
        conversation = Conversation.objects.get(pk=self.conversation.pk)
        replies = list(conversation.messages.filter(sender="assistant"))
        if not replies:
            return
        last_reply = max(m.created_at for m in replies)
        if conversation.assistant_silenced_at is not None:
            assert last_reply < conversation.assistant_silenced_at
        if conversation.taken_over_at is not None:
            assert last_reply < conversation.taken_over_at
        crisis_ids = CrisisSignal.objects.filter(
            case=self.case, source=CrisisSignal.Source.MESSAGE
        ).values_list("source_id", flat=True)
        crisis_times = Message.objects.filter(pk__in=list(crisis_ids)).values_list(
            "created_at", flat=True
        )
        assert all(last_reply < t for t in crisis_times)
        staff_times = conversation.messages.filter(sender="staff").values_list(
            "created_at", flat=True
        )
        assert all(last_reply < t for t in staff_times)

    @invariant()
    def every_automated_reply_is_an_approved_text(self):
        for reply in Message.objects.filter(conversation=self.conversation, sender="assistant"):
            if reply.reply_text_id in BUILT_REPLY_IDS:
                assert reply.script_version == ""
                continue
            assert reply.reply_text_id in assistant.REPLY_IDS
            assert reply.body == SCRIPT.text(reply.reply_text_id, "en")

    @invariant()
    def no_crisis_message_made_a_callback_request(self):
        crisis_ids = set(
            CrisisSignal.objects.filter(
                case=self.case, source=CrisisSignal.Source.MESSAGE
            ).values_list("source_id", flat=True)
        )
        asked = CallbackRequest.objects.filter(case=self.case, message__isnull=False)
        assert not {str(pk) for pk in asked.values_list("message_id", flat=True)} & crisis_ids
        assert CallbackRequest.objects.filter(case=self.case, resolved_at=None).count() <= 1

    @invariant()
    def silence_is_for_good(self):
        conversation = Conversation.objects.get(pk=self.conversation.pk)
        assert (conversation.assistant_silenced_at is not None) == self.silenced
        assert (conversation.status == "with_staff") == self.silenced


def test_no_automated_reply_follows_a_crisis_or_a_takeover():
    run_state_machine_as_test(
        Conversations,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@given(text=st.text(max_size=500), advice=st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_assistant_only_ever_picks_an_approved_text_id(text, advice):
    reply = assistant.choose_reply(text, medical_advice=advice)
    assert reply.text_id in assistant.REPLY_IDS
    assert reply.needs_follow_up == advice
    if advice:
        assert reply.text_id == assistant.MEDICAL_ADVICE_DECLINE


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_reply_id_is_approved_in_the_default_script(language):
    for text_id in assistant.REPLY_IDS:
        assert SCRIPT.text(text_id, language)
