import dataclasses

import pytest

from cases.models import Case, CaseEvent, CrisisSignal
from messaging import assistant, scripts, services
from messaging.models import Conversation, Message
from paging.models import Page
from tests.factories.accounts import make_staff
from tests.factories.messaging import CRISIS, CRISIS_ES, DOSE, HOURS, UNKNOWN
from triage import engine

# The shipped crisis model (cm-51f198d415f4) reads these short questions as a possible
# crisis (probability about 0.4, threshold 0.18): the nurse is paged and the assistant
# stays silent. A known false alarm (docs/MODEL_CARD.md); strict, so the test says so
# the day a model stops making it.
KNOWN_FALSE_ALARM = "the crisis model flags this question (a known false alarm)"

pytestmark = pytest.mark.django_db

APPROVED = engine.default_script().texts


def post(case, body):
    return services.message_post_from_patient(case=case, body=body)


def test_without_opening_hours_it_answers_hours_with_the_approved_text(case, settings):
    settings.CLINIC_HOURS = {}
    result = post(case, HOURS)
    assert result.reply.sender == Message.Sender.ASSISTANT
    assert result.reply.reply_text_id == assistant.CLINIC_HOURS
    assert result.reply.body == APPROVED["clinic_hours"]["en"]
    assert result.reply.script_version.startswith("default-")
    assert not result.crisis


def test_it_answers_in_the_conversation_language(team, settings):
    from tests.factories.cases import make_case, make_intake

    settings.CLINIC_HOURS = {}
    case = make_case(intake=make_intake(team=team, language="es"))
    result = post(case, "¿Cuál es su horario?")
    assert result.reply.body == APPROVED["clinic_hours"]["es"]


def test_it_declines_medical_advice_and_flags_the_case(case):
    result = post(case, DOSE)
    assert result.reply.reply_text_id == assistant.MEDICAL_ADVICE_DECLINE
    assert result.reply.body == APPROVED["medical_advice_decline"]["en"]
    case.refresh_from_db()
    assert case.needs_follow_up
    event = CaseEvent.objects.get(case=case, summary__contains="medical advice")
    assert event.kind == CaseEvent.Kind.MESSAGE  # not a NOTE: that would count as action


def test_it_says_a_person_will_answer_what_it_cannot(case):
    assert post(case, UNKNOWN).reply.reply_text_id == assistant.CANNOT_ANSWER


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        ("Are you a real person?", "en", "not a person"),
        pytest.param(
            "Am I talking to a bot?",
            "en",
            "not a person",
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_FALSE_ALARM),
        ),
        ("¿Es usted una persona real?", "es", "no una persona"),
    ],
)
def test_asked_if_it_is_a_person_it_says_it_is_not_and_that_a_nurse_reads(
    team, text, language, words
):
    from tests.factories.cases import make_case, make_intake

    case = make_case(intake=make_intake(team=team, language=language))

    reply = post(case, text).reply

    assert reply.reply_text_id == assistant.NOT_A_PERSON
    assert reply.body == APPROVED["not_a_person"][language]
    assert words in reply.body
    assert ("nurse" if language == "en" else "enfermera") in reply.body


@pytest.mark.xfail(strict=True, reason=KNOWN_FALSE_ALARM)
def test_will_a_real_person_call_me_is_answered_with_next_steps_not_a_denial(case):
    assert post(case, "Will a real person call me?").reply.reply_text_id == assistant.NEXT_STEPS


def test_a_script_approved_before_the_person_text_answers_with_its_stand_in():
    default = engine.default_script()
    older = dataclasses.replace(
        default, texts={k: v for k, v in default.texts.items() if k != "not_a_person"}
    )

    text_id, body = scripts.reply_text(older, assistant.NOT_A_PERSON, "es")

    assert text_id == "automated_label"
    assert body == APPROVED["automated_label"]["es"]
    assert "no una persona" in body


def test_it_stores_the_message_sealed_and_pending_its_scan_of_record(case):
    result = post(case, HOURS)
    message = Message.objects.get(pk=result.message.pk)
    assert message.body == HOURS
    assert message.scan_status == Message.ScanStatus.PENDING
    raw = Message.objects.filter(pk=message.pk).values_list("body", flat=True).get()
    assert HOURS not in raw


@pytest.mark.parametrize("text", [CRISIS, CRISIS_ES])
def test_a_crisis_message_silences_the_assistant_and_pages(case, text):
    result = post(case, text)
    assert result.crisis
    assert result.reply is None
    conversation = Conversation.objects.get(case=case)
    assert conversation.status == Conversation.Status.WITH_STAFF
    assert conversation.silenced_reason == Conversation.SilencedReason.CRISIS
    assert conversation.crisis_message_id == result.message.pk
    signals = CrisisSignal.objects.filter(case=case, source=CrisisSignal.Source.MESSAGE)
    assert signals and {s.source_id for s in signals} == {str(result.message.pk)}
    page = Page.objects.get(case=case)
    assert set(page.signals.all()) == set(signals)
    case.refresh_from_db()
    assert case.crisis


def test_after_a_crisis_the_assistant_never_answers_again(case):
    post(case, CRISIS)
    later = post(case, HOURS)
    assert later.reply is None
    assert not Message.objects.filter(sender=Message.Sender.ASSISTANT).exists()


def test_a_second_crisis_message_joins_the_open_page(case):
    post(case, CRISIS)
    post(case, "I have a rope and I know where I'll hang it")
    assert Page.objects.filter(case=case).count() == 1


def test_a_takeover_silences_the_assistant_for_good(conversation, nurse):
    services.conversation_take_over(conversation=conversation, user=nurse)
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.WITH_STAFF
    assert conversation.silenced_reason == Conversation.SilencedReason.TAKEOVER
    assert conversation.taken_over_by == nurse
    assert post(conversation.case, HOURS).reply is None


def test_a_takeover_is_idempotent_and_keeps_the_first_person(conversation, nurse, team):
    from tests.factories.messaging import make_nurse

    other = make_nurse(team, first_name="Bea")
    services.conversation_take_over(conversation=conversation, user=nurse)
    services.conversation_take_over(conversation=conversation, user=other)
    conversation.refresh_from_db()
    assert conversation.taken_over_by == nurse


def test_a_staff_reply_takes_over_and_carries_name_and_role(conversation, nurse):
    message = services.message_post_from_staff(
        conversation=conversation, user=nurse, body="Hi, this is Ana from the clinic."
    )
    assert message.sender_name == "Ana"
    assert message.sender_role == "nurse"
    assert message.scan_status == Message.ScanStatus.NOT_APPLICABLE
    conversation.refresh_from_db()
    assert conversation.taken_over_by == nurse
    assert conversation.notices.count() == 1


def test_a_takeover_after_a_crisis_keeps_the_crisis_reason(case, nurse):
    post(case, CRISIS)
    conversation = Conversation.objects.get(case=case)
    services.conversation_take_over(conversation=conversation, user=nurse)
    conversation.refresh_from_db()
    assert conversation.silenced_reason == Conversation.SilencedReason.CRISIS
    assert conversation.taken_over_by == nurse


@pytest.mark.parametrize(
    "body", ["", "   \n ", "x" * 4001, "hello\x00world", "bin\x01ary", "bad \ufffd bytes"]
)
def test_it_refuses_bad_messages_and_stores_nothing(case, body):
    with pytest.raises(services.MessageRejected):
        post(case, body)
    assert not Message.objects.exists()


def test_it_accepts_a_message_of_exactly_the_limit(case):
    assert post(case, "a" * 4000).message.pk


def test_a_closed_case_takes_no_more_patient_messages(case):
    Case.objects.filter(pk=case.pk).update(status="closed", disposition="closed")
    case.refresh_from_db()
    with pytest.raises(services.MessageRejected):
        post(case, HOURS)


def test_the_message_is_kept_when_the_inline_handling_fails(case, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("paging down")

    # Where the case opening holds it (imported by name when the module loads).
    monkeypatch.setattr("paging.services.page_raise", broken)
    result = post(case, CRISIS)
    # The patient still sees crisis content; the message is stored for the scan of record.
    assert result.crisis
    assert Message.objects.get(pk=result.message.pk).scan_status == "pending"
    assert not CrisisSignal.objects.exists()  # rolled back with the failed page


def test_the_scan_of_record_is_queued_after_the_message_commits(
    case, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "_enqueue_scan", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        result = post(case, HOURS)
    assert queued == [str(result.message.pk)]


def test_patient_messages_and_replies_are_on_the_case_timeline(conversation, nurse):
    post(conversation.case, HOURS)
    services.message_post_from_staff(conversation=conversation, user=nurse, body="Hello")
    kinds = list(
        CaseEvent.objects.filter(case=conversation.case, kind=CaseEvent.Kind.MESSAGE).values_list(
            "summary", flat=True
        )
    )
    assert "Message from the patient" in kinds
    assert "Reply to the patient" in kinds
    assert "Conversation taken over by staff" in kinds


def test_staff_role_prefers_the_clinical_role(nurse):
    assert services.staff_role(nurse) == "nurse"
    assert services.staff_role(make_staff(None)) == ""


def test_a_crisis_message_raises_the_acuity_by_the_script_rules(case):
    assert case.acuity == "routine"
    post(case, CRISIS)
    case.refresh_from_db()
    assert case.acuity == "emergent"
    assert case.acuity_rank == 0


def test_when_the_inline_scan_fails_nothing_automated_answers(case, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(services, "message_decision", broken)
    result = post(case, HOURS)
    assert result.reply is None
    assert Message.objects.get(pk=result.message.pk).scan_status == "pending"
