"""Does a patient's message ask to talk to a person? Pure, English and Spanish.

"Can I talk to someone?", "I want a real person", "please have a nurse call me",
"quiero hablar con una persona", "¿me puede llamar alguien?" are requests; "my friend
talked to a person at the bank", "I don't want to talk to anyone", "am I talking to a
bot?" and "when will someone call me?" are not (a story, a refusal, a question about
the assistant, a question about next steps).

This is never a crisis check. Callers scan for a crisis first and take the crisis path
whenever it finds one, whatever this says: a crisis always comes before a callback
(``messaging.services``). The patterns are first-person and present or future
("can I", "I want", "call me"), which is what keeps narration out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["PersonRequest", "detect_person_request"]

# Who the patient asks for. "someone"/"alguien" alone counts: "can I talk to someone".
_PERSON_EN = (
    r"(?:some ?one|some ?body|any ?one|any ?body|a (?:real |live |actual )?(?:person|human"
    r"(?: being)?|nurse|doctor|clinician|counse?l+or|therapist|staff member|member of (?:the )?"
    r"(?:clinic(?:al)? )?(?:staff|team))|(?:a |the )?(?:real |live )?(?:person|human|people)|"
    r"(?:the |a )?(?:nurse|staff|clinic(?:al)? (?:team|staff)|team)|a human being|"
    r"your (?:staff|team|nurse))"
)
_PERSON_ES = (
    r"(?:alguien|una persona(?: real| de verdad)?|un ser humano|un humano|una humana|"
    r"(?:una|un|la|el) (?:enfermer[oa]|doctor[a]?|medic[oa]|terapeuta|consejer[oa])|"
    r"(?:el |la )?personal(?: de la clinica)?|(?:el )?equipo(?: de la clinica)?|"
    r"(?:una )?persona(?:s)? de (?:la clinica|verdad|carne y hueso))"
)
_TALK_EN = r"(?:talk|speak|chat)(?:ing)?"
_TALK_ES = r"(?:hablar|conversar|platicar)"

_RULES: tuple[tuple[str, str, str], ...] = (
    # "can I talk to someone", "could I speak with a nurse please", "may i talk to a human"
    ("en.can_i_talk", "en", rf"\b(?:can|could|may|cud|can't|cant) i (?:please )?{_TALK_EN} "
     rf"(?:to|with) {_PERSON_EN}\b"),
    # "I want/need/would like/'d like to talk to a person", "I wanna speak to someone"
    ("en.want_to_talk", "en", r"\bi(?: really| just)? (?:want|need|would like|d like|wanna|"
     r"would love|wish|prefer) (?:to )?(?:please )?" + _TALK_EN + " (?:to|with) " + _PERSON_EN
     + r"\b"),
    # "I want a real person", "I need a human", "I'd like a nurse"
    ("en.want_person", "en", r"\bi(?: really| just)? (?:want|need|would like|d like|wanna) "
     r"(?:a |to have a )?(?:real |live |actual )?(?:person|human(?: being)?|nurse)\b"),
    # "let me talk to someone", "put me through to a person", "connect me with a nurse"
    ("en.connect_me", "en", r"\b(?:let me " + _TALK_EN + r"|put me through|connect me|"
     r"transfer me|get me) (?:to|with) " + _PERSON_EN + r"\b"),
    # "can someone call me", "could a nurse call me back", "please have someone call me"
    ("en.call_me", "en", r"\b(?:can|could|would|will you have|please have|have|i want|i d like"
     r"|i would like|i need) " + _PERSON_EN + r" (?:please )?(?:to )?(?:call|phone|ring|"
     r"contact|text) me\b"),
    # "I need someone to talk to"
    ("en.need_someone", "en", r"\bi (?:really |just )?(?:need|want) (?:some ?one|some ?body|"
     r"a person|a real person) to (?:talk|speak) (?:to|with)\b"),
    # "please call me", "call me back please", "can you call me"
    ("en.please_call", "en", r"(?:\bplease (?:call|phone|ring) me\b|\b(?:can|could|would) you "
     r"(?:please )?(?:call|phone|ring) me\b|^(?:please )?call me back\b)"),
    # "talk to a person please", "speak to a human", at the start of the message
    ("en.talk_to_person", "en", r"^(?:please )?(?:i )?" + _TALK_EN + r" (?:to|with) "
     r"(?:a |the )?(?:real |live )?(?:person|human|nurse|someone|somebody|staff)\b"),
    # "is there someone I can talk to", "is there anyone I could speak with"
    ("en.is_there", "en", r"\bis there (?:some ?one|any ?one|some ?body|any ?body|a person|"
     r"a nurse) i (?:can|could) " + _TALK_EN + r"(?: to| with)?\b"),
    # "quiero/quisiera/necesito/me gustaria/puedo hablar con una persona"
    ("es.quiero_hablar", "es", r"\b(?:quiero|quisiera|necesito|deseo|me gustaria|puedo|podria|"
     r"prefiero|queria) (?:por favor )?" + _TALK_ES + r" con " + _PERSON_ES + r"\b"),
    # "quiero una persona real", "necesito un ser humano"
    ("es.quiero_persona", "es", r"\b(?:quiero|quisiera|necesito|prefiero) (?:a )?"
     r"(?:una persona(?: real| de verdad)?|un ser humano|un humano|una enfermera|un enfermero)"
     r"\b"),
    # "¿me puede llamar alguien?", "¿alguien me puede llamar?", "¿me pueden llamar?"
    ("es.me_llame", "es", r"\b(?:me (?:puede|pueden|podria|podrian) (?:llamar|contactar|"
     r"telefonear)|(?:alguien|una persona|una enfermera|un enfermero) (?:me )?(?:puede|podria)"
     r" (?:llamar(?:me)?|contactar(?:me)?)|(?:puede|podria|pueden|podrian) (?:alguien |usted"
     r"(?:es)? )?llamarme|que (?:alguien|una persona|una enfermera|un enfermero) me "
     r"(?:llame|contacte)|que me (?:llame|contacte) (?:alguien|una persona|una enfermera|"
     r"un enfermero)|llamenme|llameme)\b"),
    # "hablar con una persona, por favor" at the start of the message
    ("es.hablar_con", "es", r"^(?:por favor )?" + _TALK_ES + r" con (?:una persona|alguien|"
     r"un humano|una enfermera|un enfermero|el personal)\b"),
    # "¿hay alguien con quien pueda hablar?"
    ("es.hay_alguien", "es", r"\bhay (?:alguien|una persona) con (?:quien|quién) (?:pueda|"
     r"puedo|podria) " + _TALK_ES + r"\b"),
)  # fmt: skip

_COMPILED = tuple((rule_id, lang, re.compile(p)) for rule_id, lang, p in _RULES)

# A refusal right before the request cancels it: "I'd rather not have someone call me",
# "no quiero hablar con una persona". English "no" is left out: "No, can I talk to
# someone?" is a request.
_NEGATION = {
    "en": re.compile(r"\b(?:not|never|don t|dont|do not|won t|wont|no longer)\s+$"),
    "es": re.compile(r"\b(?:no|nunca|tampoco)\s+$"),
}
_MAX_CHARS = 4000


@dataclass(frozen=True, slots=True)
class PersonRequest:
    """The phrase that asked for a person: which rule, which language, where."""

    rule_id: str
    language: str
    start: int
    end: int


def _plain(text: str) -> str:
    """Lower case, no accents, anything but letters and digits as one space.

    Offsets in the result are not offsets in the patient's text: they are kept for
    tests and logs, never used to cut or highlight the message.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    return plain.strip()


def detect_person_request(text: str) -> PersonRequest | None:
    """The first request for a person in ``text``, or None. Never raises on any str."""
    if not isinstance(text, str) or not text:
        return None
    plain = _plain(text[:_MAX_CHARS])
    for rule_id, language, pattern in _COMPILED:
        for match in pattern.finditer(plain):
            if _NEGATION[language].search(plain[: match.start()]):
                continue
            return PersonRequest(rule_id, language, match.start(), match.end())
    return None
