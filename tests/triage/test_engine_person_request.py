"""The request for a person: English and Spanish, never a story, a refusal or a question
about the assistant, never mistaken for a crisis or a medication question, never raises."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage import engine
from triage.engine.person_request import detect_person_request

REQUESTS = [
    ("I'd like to talk to a person", "en"),
    ("Can I talk to someone?", "en"),
    ("can i talk to someone", "en"),
    ("I want a real person", "en"),
    ("Can I speak to a human?", "en"),
    ("Please have someone call me", "en"),
    ("Can someone call me?", "en"),
    ("Could a nurse call me back?", "en"),
    ("I want to talk to a nurse", "en"),
    ("Is there someone I can talk to?", "en"),
    ("I need to talk to someone", "en"),
    ("Talk to a person", "en"),
    ("No, can I talk to someone please?", "en"),
    ("quiero hablar con una persona", "es"),
    ("Quiero hablar con una persona", "es"),
    ("¿me puede llamar alguien?", "es"),
    ("¿Alguien me puede llamar?", "es"),
    ("¿Puedo hablar con alguien?", "es"),
    ("Quisiera hablar con una enfermera", "es"),
    ("Necesito hablar con alguien, por favor", "es"),
    ("Que me llame una enfermera", "es"),
    ("Hablar con una persona, por favor", "es"),
]

NOT_REQUESTS = [
    "my friend talked to a person at the bank",
    "My friend talked to someone at the bank and it helped",
    "Mi amiga habló con una persona en el banco",
    "I talked to someone yesterday",
    "My mom wants to talk to a nurse",
    "He said I can talk to someone at school",
    "I don't want to talk to anyone",
    "I'd rather not have someone call me",
    "No quiero hablar con una persona",
    "Someone called me yesterday",
    "Am I talking to a bot?",
    "Are you a real person?",
    "¿Es usted una persona real?",
    "¿Hablo con una persona?",
    "Will a real person call me?",
    "When will someone call me back?",
    "What are your opening hours?",
    "Do not call me please",
    "",
]


@pytest.mark.parametrize(("text", "language"), REQUESTS)
def test_it_recognises_a_request_for_a_person(text, language):
    found = detect_person_request(text)
    assert found is not None
    assert found.language == language


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_it_does_not_fire_on_stories_refusals_or_questions_about_the_assistant(text):
    assert detect_person_request(text) is None


@pytest.mark.parametrize(("text", "language"), REQUESTS)
def test_a_request_for_a_person_is_neither_a_crisis_nor_a_medication_question(text, language):
    # The lexicon and the advice patterns: the model's false alarms are covered in
    # tests/messaging/test_callbacks.py (they take the crisis path, by design).
    assert engine.scan(text) == ()
    assert engine.detect_medical_advice(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Can I talk to someone? I want to kill myself",
        "quiero hablar con alguien, quiero morirme",
        "I need to talk to someone, I took all my pills",
    ],
)
def test_a_crisis_with_a_request_for_a_person_is_still_a_crisis(text):
    # Both fire; the conversation checks the crisis first and takes that path alone.
    assert detect_person_request(text) is not None
    assert engine.scan(text)


def test_a_dose_question_that_asks_for_a_person_is_still_a_medication_question():
    text = "Can I talk to someone about what dose of sertraline I should take?"
    assert detect_person_request(text) is not None
    assert engine.detect_medical_advice(text)


@given(st.text(max_size=600))
@settings(max_examples=500, deadline=None)
def test_it_never_raises(text):
    found = detect_person_request(text)
    assert found is None or found.rule_id


@given(st.one_of(st.none(), st.integers(), st.binary(max_size=40)))
def test_anything_but_text_is_not_a_request(value):
    assert detect_person_request(value) is None
