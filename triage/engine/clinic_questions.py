"""Is a patient's message a question about the clinic's hours, phone or address? Pure.

"When are you open?", "What time do you open on Monday?", "What is your phone
number?", "Where are you?" and their Spanish forms are answered from the clinic's
facts (``messaging.clinic``). Everything else is not a fact question: "my phone
number changed" is about the patient's own details, and whatever the assistant cannot
answer stays declined.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["ADDRESS", "HOURS", "PHONE", "FactQuestion", "fact_question"]

HOURS, PHONE, ADDRESS = "hours", "phone", "address"

# Day names (English, Spanish) to weekday numbers, Monday 0.
_DAYS = {
    "monday": 0, "mondays": 0, "lunes": 0,
    "tuesday": 1, "tuesdays": 1, "martes": 1,
    "wednesday": 2, "wednesdays": 2, "miercoles": 2,
    "thursday": 3, "thursdays": 3, "jueves": 3,
    "friday": 4, "fridays": 4, "viernes": 4,
    "saturday": 5, "saturdays": 5, "sabado": 5, "sabados": 5,
    "sunday": 6, "sundays": 6, "domingo": 6, "domingos": 6,
}  # fmt: skip
_DAY_WORDS = "|".join(sorted(_DAYS, key=len, reverse=True))

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        # The patient's own number or address is theirs to update, not ours to state.
        (PHONE, r"\b(?:your|the clinic s|the clinics|the clinic|clinic|office) (?:phone|"
         r"telephone|contact) ?(?:number|no)\b|\bwhat (?:number|phone) (?:do|can|should) i "
         r"call\b|\bhow (?:can|do|could) i (?:call|phone|ring) (?:you|the clinic)\b|\b(?:cual|"
         r"que) es (?:su|el|vuestro|tu) (?:numero(?: de telefono)?|telefono)\b|\b(?:su|el) "
         r"(?:numero de )?telefono de la clinica\b|\bcomo (?:los|las|la|le|te) (?:puedo )?"
         r"llamo\b|\ba que numero (?:llamo|puedo llamar|debo llamar)\b"),
        (ADDRESS, r"\bwhere (?:are|is) (?:you|your (?:clinic|office)|the (?:clinic|office))"
         r"(?: (?:located|based))?(?:$| (?:located|based)\b)|"
         r"\b(?:your|the clinic s|the clinics|the clinic) (?:address|location)\b|\bwhat is the "
         r"address\b|\bhow (?:do|can) i (?:get|find) (?:to )?(?:you|the clinic)\b|\bdonde "
         r"(?:estan|quedan|se encuentran)(?: ustedes)?$|\bdonde (?:esta|queda|se encuentra) "
         r"(?:la clinica|la oficina|el consultorio|su clinica|su oficina)\b|"
         r"\b(?:cual|que) es (?:su|la) direccion\b|\bdireccion de la clinica\b|\bcomo llego\b"),
        (HOURS, r"\bwhen (?:are|is) (?:you|the clinic|the office|your (?:clinic|office)) "
         r"(?:open|closed)\b|\bwhen do (?:you|they) (?:open|close)\b|\bwhat time (?:do|does) "
         r"(?:you|the clinic|the office) (?:open|close)\b|\b(?:are|is) (?:you|the clinic|the "
         r"office) open\b|\b(?:your|the clinic s|the clinics|the clinic|opening|office) hours\b|"
         r"\bhours of (?:work|opening|operation)\b|\bwhat are (?:your|the) hours\b|\bcuando "
         r"(?:abren|cierran|abre|cierra|estan abiertos|esta abierta|esta abierto)\b|\ba que "
         r"hora (?:abren|cierran|abre|cierra)\b|\b(?:su|el) horario\b|\bhorario de (?:la "
         r"clinica|atencion|apertura)\b|\bestan abiertos\b|\besta abierta la clinica\b|\babren"
         r" (?:el|los|hoy|manana)\b"),
    )
)  # fmt: skip

_DAY = re.compile(rf"\b(?:{_DAY_WORDS})\b")
_MAX_CHARS = 4000


@dataclass(frozen=True, slots=True)
class FactQuestion:
    """What the patient asked about; ``weekday`` (0 = Monday) when they named a day."""

    kind: str
    weekday: int | None = None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def fact_question(text: str) -> FactQuestion | None:
    """The first fact question in ``text`` (phone, then address, then hours), or None."""
    if not isinstance(text, str) or not text:
        return None
    plain = _plain(text[:_MAX_CHARS])
    for kind, pattern in _RULES:
        if pattern.search(plain):
            weekday = None
            if kind == HOURS:
                day = _DAY.search(plain)
                weekday = _DAYS[day.group(0)] if day else None
            return FactQuestion(kind, weekday)
    return None
