"""The Spanish catalogue is complete: every string a page can show has a translation."""

import json
import re
from pathlib import Path

import polib
from django.conf import settings

from triage.engine import default_script
from triage.migrations._intake_consent_v1 import CONSENT_V1

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
SCREENERS = Path(settings.BASE_DIR) / "triage" / "engine" / "data" / "screeners.json"


def test_every_string_in_the_spanish_catalogue_is_translated():
    catalogue = polib.pofile(str(CATALOGUE))

    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert missing == [], "run `make messages` after adding to locale/translations/*.json"
    assert fuzzy == []


# Spanish for patients speaks "usted" throughout. These words only occur in "tú" Spanish
# (pronouns, second-person verbs, "-te" after an infinitive, tú imperatives).
TU_WORDS = re.compile(
    r"\b(tú|tu|tus|te|ti|contigo|has|estás|eres|puedes|tienes|quieres|necesitas|sientes"
    r"|debes|sabes|piensas|estuvieras|hayas|estés|tengas|puedas|quieras|seas|describe"
    r"|cuéntanos|dinos|llámanos|escríbenos|envíanos|pulsa|elige)\b"
    r"|\b\w+(?:arte|erte|irte)\b",
    re.IGNORECASE,
)
NOT_TU = {"parte", "aparte", "arte", "muerte", "suerte", "fuerte", "inerte"}


def _tu_forms(text: str) -> list[str]:
    return [m.group(0) for m in TU_WORDS.finditer(text) if m.group(0).lower() not in NOT_TU]


def _patient_spanish() -> dict[str, str]:
    """Every Spanish text a patient can read, by where it comes from."""
    texts: dict[str, str] = {}
    for area in ("core", "intake", "messaging"):
        path = Path(settings.BASE_DIR) / "locale" / "translations" / f"{area}.json"
        for english, spanish in json.loads(path.read_text(encoding="utf-8")).items():
            texts[f"{area}.json: {english}"] = spanish
    for text_id, by_language in default_script().texts.items():
        texts[f"script text {text_id}"] = by_language.get("es", "")
    screeners = json.loads(SCREENERS.read_text(encoding="utf-8"))

    def walk(node, where: str) -> None:
        if isinstance(node, str):
            texts[where] = node
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("en", "source", "_note", "name"):
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(screeners, "screeners")
    for key, value in CONSENT_V1["es"].items():
        texts[f"consent v1 {key}"] = value
    for i, line in enumerate(settings.CRISIS_RESOURCES.get("es", [])):
        texts[f"CRISIS_RESOURCES es[{i}]"] = line if isinstance(line, str) else json.dumps(line)
    return texts


def test_patient_spanish_says_usted_never_tu():
    found = {where: _tu_forms(text) for where, text in _patient_spanish().items()}

    assert {where: words for where, words in found.items() if words} == {}


def test_the_usted_check_finds_tu_forms():
    assert _tu_forms("¿Alguna vez has intentado suicidarte? Por favor, describe.") == [
        "has",
        "suicidarte",
        "describe",
    ]
    assert _tu_forms("¿Ha intentado suicidarse? Use la parte de arriba.") == []
