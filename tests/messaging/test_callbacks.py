"""Talk to a person: the callback request (button and typed), the team's rule, the honest
promise, the clinic facts the assistant states, and the crisis that always comes first."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from audit.models import AccessEvent
from cases.models import Case, CaseEvent
from messaging import callbacks, services
from messaging.models import CallbackRequest, ClinicHoliday, ClinicProfile, Message
from paging.models import Page
from tests.factories.accounts import make_staff
from tests.factories.cases import make_case, make_intake
from tests.factories.messaging import DOSE, UNKNOWN
from tests.factories.paging import make_schedule

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
MONDAY_NOON = dt.datetime(2026, 12, 7, 12, tzinfo=NY)
SATURDAY_NOON = dt.datetime(2026, 12, 12, 12, tzinfo=NY)


def post(case, body):
    return services.message_post_from_patient(case=case, body=body)


def press(case, channel="phone", window="morning"):
    return callbacks.callback_request_create(
        case=case, channel=channel, window=window, source=CallbackRequest.Source.BUTTON
    )


def test_the_button_records_one_request_and_a_second_press_joins_it(case):
    first, created = press(case)
    second, created_again = press(case, channel="text", window="evening")
    assert created and not created_again
    assert first.pk == second.pk
    request = CallbackRequest.objects.get(case=case)
    assert (request.channel, request.window, request.source) == ("text", "evening", "button")
    assert (
        CaseEvent.objects.filter(case=case, summary="Patient asked to talk to a person").count()
        == 1
    )
    event = AccessEvent.objects.get(object_type="messaging.callbackrequest")
    assert event.action == "create" and event.details["by"] == "patient"
    assert event.patient_ref == case.reference


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        ("Can I talk to someone?", "en", "You asked to talk to a person"),
        ("quiero hablar con una persona", "es", "Usted pidió hablar con una persona"),
    ],
)
def test_a_typed_request_records_a_request_and_says_when_someone_will_answer(
    team, text, language, words
):
    case = make_case(intake=make_intake(team=team, language=language, preferred_contact="text"))
    result = post(case, text)
    assert not result.crisis
    request = CallbackRequest.objects.get(case=case)
    assert result.callback == request
    assert (request.source, request.channel, request.message) == (
        "message", "text", result.message,
    )  # fmt: skip
    assert result.reply.reply_text_id == callbacks.CALLBACK_TEXT_ID
    assert words in result.reply.body
    assert ("988" in result.reply.body) and ("911" in result.reply.body)
    assert post(case, text).callback == request  # typed again: the same request
    assert CallbackRequest.objects.filter(case=case).count() == 1


def test_it_raises_the_case_by_the_team_rule_with_its_own_timer(case):
    ClinicProfile.objects.create(team=case.team, callback_acuity="urgent", callback_minutes=30)
    with time_machine.travel(MONDAY_NOON, tick=False):
        request, _created = press(case)
    case.refresh_from_db()
    assert case.acuity == "urgent"
    assert case.due_at == MONDAY_NOON + dt.timedelta(minutes=60)  # the urgent target
    assert request.due_at == MONDAY_NOON + dt.timedelta(minutes=30)  # the callback's own
    raised = CaseEvent.objects.get(case=case, kind="triaged")
    assert raised.data["source"] == "callback"


def test_it_never_lowers_the_case(team):
    case = make_case(team=team, acuity="emergent")
    press(case)
    case.refresh_from_db()
    assert case.acuity == "emergent"


def test_a_promise_that_falls_while_closed_is_kept_inside_opening_hours(case):
    with time_machine.travel(SATURDAY_NOON, tick=False):
        request, _created = press(case)
        promise = callbacks.promise_for(request, case.team)
        sentences = " ".join(callbacks.promise_sentences(promise))
    assert request.due_at == dt.datetime(2026, 12, 14, 18, tzinfo=NY)  # Monday's closing
    assert "The clinic is closed now. It opens Monday, December 14, 2026, 8:00 AM." in sentences
    assert "at the clinic straight away" in sentences  # nobody on call: no nurse promised


def test_outside_hours_with_a_nurse_on_call_the_promise_names_the_nurse_on_call(case):
    make_schedule(case.team, [make_staff(Role.NURSE, team=case.team)])
    with time_machine.travel(SATURDAY_NOON, tick=False):
        request, _created = press(case)
        promise = callbacks.promise_for(request, case.team)
    assert promise.on_call and not promise.open_now
    assert "the nurse on call" in " ".join(callbacks.promise_sentences(promise))


def test_while_open_the_promise_says_so(case):
    with time_machine.travel(MONDAY_NOON, tick=False):
        request, _created = press(case)
        promise = callbacks.promise_for(request, case.team)
    assert promise.open_now
    assert callbacks.promise_sentences(promise)[-1] == "The clinic is open now."


# "Can I talk to someone? I want to kill myself" reads 0.0014 as a whole with the shipped
# model (cm-51f198d415f4), under the set-aside floor: before the model read the match's
# sentence alone (0.95), the question diluted it and the lexicon's match was set aside.
@pytest.mark.parametrize(
    "text",
    [
        "Can I talk to someone? I want to kill myself",
        "¿Puedo hablar con alguien? Quiero matarme",
        "I want to talk to someone, I want to kill myself",
        "quiero hablar con alguien, quiero morirme",
    ],
)
def test_a_crisis_that_also_asks_for_a_person_takes_the_crisis_path_alone(team, text):
    language = "es" if "quiero" in text.lower() else "en"
    case = make_case(intake=make_intake(team=team, language=language))
    result = post(case, text)
    assert result.crisis and result.reply is None and result.callback is None
    assert not CallbackRequest.objects.exists()
    assert Page.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.crisis and case.acuity == "emergent"


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to talk to a person",
        "I want a real person",
        "Please have someone call me",
        "Can I speak to a human?",
        "¿me puede llamar alguien?",
        "Quisiera hablar con una enfermera",
    ],
)
def test_a_request_is_either_a_callback_or_if_the_model_flags_it_a_crisis_never_both(team, text):
    # The shipped crisis model flags some plain requests (as it flags "Am I talking to a
    # bot?"). The crisis check runs first, so such a message pages the nurse instead:
    # never a callback beside a crisis, never neither.
    case = make_case(
        intake=make_intake(team=team, language="es" if "¿" in text or "Qui" in text else "en")
    )
    result = post(case, text)
    asked = CallbackRequest.objects.filter(case=case).exists()
    paged = Page.objects.filter(case=case).exists()
    assert asked != paged
    assert result.crisis == paged


def test_a_dose_question_that_asks_for_a_person_gets_the_decline_and_a_callback(case):
    result = post(case, "Can I talk to someone about " + DOSE.lower())
    assert result.reply.reply_text_id == "medical_advice_decline"
    assert result.callback is not None
    case.refresh_from_db()
    assert case.needs_follow_up


def test_a_nurse_marks_the_request_answered(case, nurse):
    request, _created = press(case)
    callbacks.callback_resolve(callback=request, user=nurse)
    request.refresh_from_db()
    assert request.resolved_by == nurse and request.resolved_at is not None
    assert callbacks.open_callback(case) is None
    assert AccessEvent.objects.filter(
        object_type="messaging.callbackrequest", action="update", actor=nurse
    ).exists()
    again, created = press(case)  # a new request after the answer is a new one
    assert created and again.pk != request.pk


def test_only_people_who_work_cases_mark_it_answered(case):
    request, _created = press(case)
    with pytest.raises(callbacks.CallbackRefused):
        callbacks.callback_resolve(callback=request, user=make_staff(Role.AUDITOR))
    assert callbacks.open_callback(case) == request


# ---- clinic facts ---------------------------------------------------------------------


def test_hours_on_a_named_day_are_stated_from_the_facts(case):
    with time_machine.travel(SATURDAY_NOON, tick=False):
        reply = post(case, "What time do you open on Monday?").reply
    assert reply.reply_text_id == "clinic_facts_hours"
    assert reply.script_version == ""
    assert "On Monday the clinic is open from 8:00 AM to 6:00 PM." in reply.body
    assert "The clinic is closed now. It opens Monday, December 14, 2026, 8:00 AM." in reply.body


def test_hours_in_spanish_and_a_holiday_from_the_admin(team):
    profile = ClinicProfile.objects.create(team=team)
    ClinicHoliday.objects.create(
        profile=profile, date=dt.date(2026, 12, 14), name_en="Staff day", name_es="Día del personal"
    )
    case = make_case(intake=make_intake(team=team, language="es"))
    with time_machine.travel(SATURDAY_NOON, tick=False):
        reply = post(case, "¿A qué hora abren el lunes?").reply
    assert "es festivo (Día del personal): la clínica está cerrada" in reply.body
    assert "Abre el martes 15 de diciembre de 2026, 08:00" in reply.body


def test_phone_and_address_come_from_the_teams_facts(team):
    ClinicProfile.objects.create(
        team=team,
        phone="+1 555 0100",
        address_en="1 Main St, Springfield",
        address_es="Calle Mayor 1",
    )
    case = make_case(intake=make_intake(team=team, language="es"))
    assert "+1 555 0100" in post(case, "¿Cuál es su número de teléfono?").reply.body
    assert "Calle Mayor 1" in post(case, "¿Dónde está la clínica?").reply.body


def test_a_fact_nobody_configured_stays_declined(case, settings):
    settings.CLINIC_PHONE = ""
    reply = post(case, "What is your phone number?").reply
    assert reply.reply_text_id == "cannot_answer"
    assert post(case, UNKNOWN).reply.reply_text_id == "cannot_answer"


def test_settings_give_every_team_its_defaults(case, settings):
    settings.CLINIC_PHONE = "+1 555 0199"
    settings.CLINIC_ADDRESS = {"en": "2 Elm St", "es": ""}
    assert "+1 555 0199" in post(case, "What is your phone number?").reply.body
    assert "2 Elm St" in post(case, "What is the address?").reply.body


def test_no_message_from_the_assistant_is_made_up_for_a_crisis(case):
    post(case, "I want to kill myself tonight")
    assert not Message.objects.filter(sender="assistant").exists()
    assert Case.objects.get(pk=case.pk).crisis
