"""Medical-advice requests are detected, so the scripted reply can decline them."""

import pytest

from triage.engine import detect_medical_advice


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Should I stop my sertraline?", "medication_change"),
        ("can i double my dose of zoloft tonight", "medication_change"),
        ("Should I stop taking my meds?", "medication_change"),
        ("can i change my dose", "medication_change"),
        ("What dose of lexapro should I be on?", "dosage"),
        ("How many mg of melatonin can I take?", "dosage"),
        ("Can I take ibuprofen with lexapro?", "interaction"),
        ("Is it safe to drink alcohol while on prozac?", "interaction"),
        ("I get dizzy in the mornings, is this normal?", "symptom"),
        ("Do I have bipolar?", "diagnosis"),
        ("¿Puedo dejar de tomar la sertralina?", "medication_change"),
        ("¿Qué dosis de fluoxetina debo tomar?", "dosage"),
        ("¿Puedo tomar ibuprofeno con el escitalopram?", "interaction"),
        ("Me tiemblan las manos, ¿es normal?", "symptom"),
        ("¿Tengo trastorno bipolar?", "diagnosis"),
    ],
)
def test_it_detects_advice_requests(text, kind):
    requests = detect_medical_advice(text)
    assert kind in {r.kind for r in requests}
    for r in requests:
        assert text[r.start : r.end] == r.matched
        assert r.rule_id and r.language in ("en", "es")


@pytest.mark.parametrize(
    "text",
    [
        "Can I get an appointment next week?",
        "I take sertraline and it helps a lot.",
        "My therapist said I should start journaling.",
        "¿Puedo cambiar mi cita al jueves?",
        "Can I change my phone number?",
        "Could I switch my appointment to Friday?",
        "¿Puedo cambiar mi número de teléfono?",
        "",
    ],
)
def test_it_ignores_ordinary_messages(text):
    assert detect_medical_advice(text) == ()
