"""Strip the HIPAA Safe Harbor identifiers that can appear in a patient's free text.

Used before a nurse-confirmed message becomes a training row: each identifier is
replaced with a typed placeholder (``[NAME]``, ``[PHONE]``, ``[EMAIL]``, ``[URL]``,
``[ADDRESS]``, ``[ZIP]``, ``[DATE]``, ``[AGE]``, ``[ID]``, ``[IP]``), English and Spanish.

It errs toward removing too much: a capitalised word in mid-sentence that is not a
common word is taken for a name or a place. Identifiers the caller already knows (the
patient's name, phone and e-mail from the intake) are removed first, whatever their form.
What it still misses is measured on a labelled fixture (tests/data/pii_fixture.jsonl).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PLACEHOLDERS", "deidentify"]

PLACEHOLDERS = (
    "[NAME]",
    "[PHONE]",
    "[EMAIL]",
    "[URL]",
    "[ADDRESS]",
    "[ZIP]",
    "[DATE]",
    "[AGE]",
    "[ID]",
    "[IP]",
)

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre"
)
_STREET = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    "highway|hwy|apt|apartment|suite|calle|avenida|av|carrera|cra|camino|paseo|colonia|col"
)
# Order matters: the most specific patterns run first, so a date is not read as a phone.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "[URL]",
        re.compile(
            r"\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|edu|gov|io|me|mx|es)\b(?:/\S*)?",
            re.I,
        ),
    ),
    (
        "[IP]",
        re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}\b", re.I),
    ),
    ("[ID]", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),  # US social security number
    (
        "[DATE]",
        re.compile(
            rf"\b\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?\b"
            rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
            rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
            rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?:{_MONTHS})\b(?:\s+(?:de\s+)?\d{{4}})?"
            rf"|\b(?:{_MONTHS})\b",
            re.I,
        ),
    ),
    (
        "[ID]",
        re.compile(
            r"\b(?:mrn|record|account|acct|policy|member|id|expediente|cuenta|p[oó]liza|"
            r"n[uú]mero|no\.?|#)\s*(?:number|n[uú]mero|no\.?|#)?\s*[:#]?\s*[A-Z0-9-]*\d[A-Z0-9-]{3,}",
            re.I,
        ),
    ),
    (
        "[PHONE]",
        re.compile(
            r"(?<![\w])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b"
        ),
    ),
    ("[ID]", re.compile(r"\b[A-Z]{0,3}\d{6,}\b")),
    (
        "[ADDRESS]",
        re.compile(
            rf"\b\d{{1,6}}\s+(?:[A-Za-zÀ-ÿ.]+\s+){{0,4}}(?:{_STREET})\b\.?(?:\s*(?:#|apt\.?|unit)\s*\w+)?"
            rf"|\b(?:calle|avenida|av\.|carrera|camino)\s+(?:[A-Za-zÀ-ÿ.]+\s+){{0,4}}\d{{1,6}}\b",
            re.I,
        ),
    ),
    ("[ZIP]", re.compile(r"\b\d{5}(?:-\d{4})?\b")),
    (
        "[AGE]",
        re.compile(
            r"\b(?:9\d|1[0-4]\d)\s*(?:years?\s*old|yrs?\s*old|y/?o|años|anos)\b"
            r"|\b(?:aged?|edad(?:\s+de)?|tiene|tengo)\s+(?:9\d|1[0-4]\d)\b",
            re.I,
        ),
    ),
)
_NAME_CUE = re.compile(
    r"\b(?i:my name is|i am|i'm|im|this is|call me|named|called|me llamo|mi nombre es|soy|"
    r"se llama|dr|mr|mrs|ms|miss|sr|sra|srta|doctor|doctora|dra)\.?\s+"
    r"((?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ'-]+)(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ'-]+){0,2})"
)
_CAPITALISED = re.compile(
    r"(?<=[a-záéíóúñ,;:]\s)([A-ZÁÉÍÓÚÑ][a-záéíóúñ'-]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ'-]+)*)"
)
# Capitalised words that are not names: pronouns, days, languages, holidays, services.
_COMMON = frozenset(
    [
        "i",
        "i'm",
        "i've",
        "i'd",
        "i'll",
        "ok",
        "okay",
        "god",
        "dios",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "lunes",
        "martes",
        "miércoles",
        "miercoles",
        "jueves",
        "viernes",
        "sábado",
        "sabado",
        "domingo",
        "english",
        "spanish",
        "español",
        "espanol",
        "inglés",
        "ingles",
        "christmas",
        "navidad",
        "easter",
        "pascua",
        "thanksgiving",
        "covid",
        "adhd",
        "tdah",
        "ptsd",
        "ocd",
        "er",
        "icu",
        "uber",
        "lyft",
        "google",
        "facebook",
        "instagram",
        "tiktok",
        "snapchat",
        "discord",
        "youtube",
        "netflix",
        "whatsapp",
        "reddit",
        "twitter",
        "x",
        "mom",
        "dad",
        "mamá",
        "mama",
        "papá",
        "papa",
    ]
)


def _known(text: str, identifiers: Iterable[tuple[str, str]]) -> str:
    for placeholder, value in identifiers:
        value = (value or "").strip()
        if len(value) < 2:
            continue
        parts = [value] if placeholder != "[NAME]" else [value, *value.split()]
        for part in sorted(set(parts), key=len, reverse=True):
            if len(part) >= 2:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", placeholder, text, flags=re.I)
        if placeholder == "[PHONE]":
            digits = re.sub(r"\D", "", value)
            if len(digits) >= 7:
                loose = r"\D{0,3}".join(digits[-10:])
                text = re.sub(loose, placeholder, text)
    return text


def _names(text: str) -> str:
    def cue(match: re.Match[str]) -> str:
        words = match.group(1)
        if words.lower() in _COMMON:
            return match.group(0)
        return match.group(0)[: match.start(1) - match.start(0)] + "[NAME]"

    text = _NAME_CUE.sub(cue, text)

    def capitalised(match: re.Match[str]) -> str:
        words = match.group(1)
        return words if words.lower() in _COMMON else "[NAME]"

    return _CAPITALISED.sub(capitalised, text)


def deidentify(text: str, known: Iterable[tuple[str, str]] = ()) -> str:
    """``text`` with identifiers replaced by placeholders.

    ``known`` lists identifiers the caller holds, as ``(placeholder, value)`` pairs,
    e.g. ``[("[NAME]", "Ana López"), ("[PHONE]", "555 201 3344")]``.
    """
    text = _known(text, known)
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return _names(text)
