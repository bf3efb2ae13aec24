"""The scripted assistant's reply selection: pure functions over plain data.

The assistant never writes text of its own. It picks the id of an approved text of
the active triage script by simple, deterministic keyword rules; the service resolves
the id in the conversation's language. It only ever runs while a conversation is
automated: a crisis signal or a staff takeover silences it for good (the service
checks, and the property test in tests/messaging proves, that nothing follows).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Ids of the approved patient-facing texts in the triage script document.
CLINIC_HOURS = "clinic_hours"
NEXT_STEPS = "what_happens_next"
UPDATE_CONTACT = "update_contact"
WITHDRAW_CONSENT = "withdraw_consent"
CRISIS_RESOURCES = "crisis_resources"
CANNOT_ANSWER = "cannot_answer"
MEDICAL_ADVICE_DECLINE = "medical_advice_decline"
NOT_A_PERSON = "not_a_person"
# The approved text that answers in place of one a script approved before that text
# existed: still approved, still true ("an automated intake form, not a person").
STAND_INS = {NOT_A_PERSON: "automated_label"}

# Every text the assistant can send, in no particular order.
REPLY_IDS = (
    CLINIC_HOURS,
    NEXT_STEPS,
    UPDATE_CONTACT,
    WITHDRAW_CONSENT,
    CANNOT_ANSWER,
    MEDICAL_ADVICE_DECLINE,
    NOT_A_PERSON,
    *STAND_INS.values(),
)

# Keywords per intent, English and Spanish, matched on whole words after lower-casing
# and dropping accents. A phrase (several words) matches as a run of words. The
# intent with most matches wins; ties go to the earlier intent in this order, so a
# request to withdraw is never taken for a question about hours. "Are you a person?"
# comes last: "will a real person call me?" asks about next steps.
INTENT_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        WITHDRAW_CONSENT,
        (
            "withdraw", "consent", "opt out", "delete my", "erase", "cancel my request",
            "stop processing", "retirar", "consentimiento", "borrar", "eliminar mis",
            "cancelar mi solicitud",
        ),
    ),
    (
        UPDATE_CONTACT,
        (
            "phone number", "my number", "my email", "my e mail", "contact details",
            "contact information", "update my", "change my", "new number", "new email",
            "telefono", "mi numero", "mi correo", "datos de contacto", "actualizar",
            "cambiar mi", "cambiar mis",
        ),
    ),
    (
        CLINIC_HOURS,
        (
            "hours", "open", "opening", "close", "closed", "closing", "weekend", "saturday",
            "sunday", "horario", "horarios", "abren", "abierto", "abierta", "cierran",
            "cerrado", "cerrada", "fin de semana", "sabado", "domingo",
        ),
    ),
    (
        NEXT_STEPS,
        (
            "next", "what happens", "when will", "how long", "wait", "waiting", "hear back",
            "call me", "contact me", "appointment", "someone", "anyone", "status",
            "siguiente", "que pasa", "cuando me", "cuanto tiempo", "esperar", "espera",
            "llamar", "llamaran", "cita", "alguien", "estado",
        ),
    ),
    (
        NOT_A_PERSON,
        (
            "real person", "a person", "real human", "human", "robot", "bot", "chatbot",
            "a machine", "a computer", "are you real", "are you a real", "are you a person",
            "am i talking to", "am i chatting with", "is this automated", "automated reply",
            "persona real", "una persona", "ser humano", "humano", "humana", "una maquina",
            "eres real", "es real", "es usted una persona", "eres una persona",
            "hablo con una persona", "estoy hablando con", "automatico", "automatica",
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """Which approved text to send, and whether the case needs a person's follow-up."""

    text_id: str
    needs_follow_up: bool = False


def words(text: str) -> list[str]:
    """Lower-case words with accents dropped: 'Horário?' -> ['horario']."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain)


def _count(haystack: list[str], phrase: str) -> int:
    needle = phrase.split()
    n = len(needle)
    return sum(1 for i in range(len(haystack) - n + 1) if haystack[i : i + n] == needle)


def intent_of(text: str) -> str:
    """The approved text id that answers ``text``; CANNOT_ANSWER when nothing fits."""
    found = words(text)
    best, best_score = CANNOT_ANSWER, 0
    for text_id, keywords in INTENT_KEYWORDS:
        score = sum(_count(found, k) for k in keywords)
        if score > best_score:
            best, best_score = text_id, score
    return best


def choose_reply(text: str, *, medical_advice: bool) -> Reply:
    """The assistant's answer to one patient message (only while not silenced).

    A request for medical advice (the engine's ``detect_medical_advice``) always gets
    the approved decline and an offer of clinician contact, and flags the case for a
    person to follow up, whatever else the message asks.
    """
    if medical_advice:
        return Reply(MEDICAL_ADVICE_DECLINE, needs_follow_up=True)
    return Reply(intent_of(text))
