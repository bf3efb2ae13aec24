"""Questions about the clinic's hours, phone and address, and the opening calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.engine.clinic_calendar import Calendar, CalendarError, parse_hours
from triage.engine.clinic_questions import ADDRESS, HOURS, PHONE, fact_question

NY = ZoneInfo("America/New_York")
WEEKDAYS = {d: ["08:00", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.mark.parametrize(
    ("text", "kind", "weekday"),
    [
        ("When are you open?", HOURS, None),
        ("What time do you open on Monday?", HOURS, 0),
        ("Are you open on Saturdays?", HOURS, 5),
        ("What are your opening hours?", HOURS, None),
        ("¿Cuándo abren?", HOURS, None),
        ("¿A qué hora abren el lunes?", HOURS, 0),
        ("¿Cuál es su horario?", HOURS, None),
        ("What is your phone number?", PHONE, None),
        ("What's the clinic's phone number?", PHONE, None),
        ("¿Cuál es su número de teléfono?", PHONE, None),
        ("Where are you?", ADDRESS, None),
        ("What is the address?", ADDRESS, None),
        ("¿Dónde está la clínica?", ADDRESS, None),
        ("¿Cuál es la dirección?", ADDRESS, None),
    ],
)
def test_it_recognises_fact_questions(text, kind, weekday):
    question = fact_question(text)
    assert question is not None
    assert (question.kind, question.weekday) == (kind, weekday)


@pytest.mark.parametrize(
    "text",
    [
        "I have a new phone number",
        "my phone number changed",
        "¿Dónde está mi solicitud?",
        "Where are you with my request",
        "Are you a real person?",
        "Do you have parking near the entrance?",
        "Can I talk to someone?",
        "How do I withdraw my consent?",
    ],
)
def test_anything_else_is_not_a_fact_question(text):
    assert fact_question(text) is None


@given(st.text(max_size=600))
@settings(max_examples=300, deadline=None)
def test_it_never_raises(text):
    fact_question(text)


def calendar(holidays=()):
    return Calendar(parse_hours(WEEKDAYS), "America/New_York", frozenset(holidays))


def test_it_is_open_in_hours_and_closed_outside():
    monday_noon = dt.datetime(2026, 12, 7, 12, tzinfo=NY)
    assert calendar().is_open(monday_noon)
    assert not calendar().is_open(monday_noon.replace(hour=19))


def test_a_holiday_is_closed_and_the_next_opening_skips_it():
    christmas = dt.date(2026, 12, 25)  # a Friday
    thursday_evening = dt.datetime(2026, 12, 24, 19, tzinfo=NY)
    cal = calendar({christmas})
    assert not cal.is_open(dt.datetime(2026, 12, 25, 10, tzinfo=NY))
    assert cal.next_opening(thursday_evening) == dt.datetime(2026, 12, 28, 8, tzinfo=NY)


def test_a_promise_that_falls_while_closed_moves_to_the_next_closing():
    friday_evening = dt.datetime(2026, 12, 11, 20, tzinfo=NY)
    assert calendar().contact_by(friday_evening) == dt.datetime(2026, 12, 14, 18, tzinfo=NY)


def test_without_hours_nothing_is_promised_about_opening():
    cal = Calendar({}, "America/New_York")
    at = dt.datetime(2026, 12, 7, 12, tzinfo=NY)
    assert cal.next_opening(at) is None
    assert cal.contact_by(at) == at


@pytest.mark.parametrize("hours", [{"mon": ["18:00", "08:00"]}, {"funday": ["08:00", "09:00"]}])
def test_unreadable_hours_name_the_day(hours):
    with pytest.raises(CalendarError):
        parse_hours(hours)
