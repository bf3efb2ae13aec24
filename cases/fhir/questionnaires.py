"""The project's Questionnaire resources for the screeners, shipped as JSON files.

The files in ``questionnaires/`` are generated from the engine's wording
(``triage/engine/data/screeners.json``) by ``build(key)``; a test fails when they
drift apart (regenerate with ``python -m cases.fhir.questionnaires``). English is the
base text; Spanish rides along in the standard ``translation`` extension.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from cases.fhir import codes
from triage import engine

DIRECTORY = Path(__file__).with_name("questionnaires")
KEYS = ("phq9", "gad7", "asq", "intake-reason")
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
REASON_TEXT = {
    "en": "Why are you contacting the clinic?",
    "es": "¿Por qué se comunica con la clínica?",
}


def canonical(key: str) -> str:
    """The canonical reference of a Questionnaire, with its version."""
    return f"{codes.CANONICAL}/Questionnaire/{key}|{codes.QUESTIONNAIRE_VERSION}"


def _es(text: str) -> dict:
    return {"extension": [{"url": TRANSLATION, "extension": [
        {"url": "lang", "valueCode": "es"}, {"url": "content", "valueString": text}
    ]}]}  # fmt: skip


def answer_coding(key: str, value, language: str = "en", difficulty: bool = False) -> dict:
    """The Coding of one stored answer, its display in ``language`` (the record's)."""
    wording = engine.screener_items(key, language)
    if difficulty:
        options, system, table = (
            wording["difficulty"]["options"],
            codes.LOINC,
            codes.DIFFICULTY_ANSWERS,
        )
    elif key == "asq":
        options, system, table = wording["options"], codes.ASQ_ANSWER_SYSTEM, None
    else:
        options, system, table = wording["options"], codes.LOINC, codes.FREQUENCY_ANSWERS
    label = next((o["label"] for o in options if o["value"] == value), str(value))
    code = table[value] if table is not None else str(value)
    return {"system": system, "code": code, "display": label}


def _options(key: str, difficulty: bool = False) -> list[dict]:
    wording = engine.screener_items(key, "en")
    if difficulty:
        values = [o["value"] for o in wording["difficulty"]["options"]]
    else:
        values = [o["value"] for o in wording["options"]]
    options = []
    for value in values:
        coding = answer_coding(key, value, "en", difficulty)
        es = answer_coding(key, value, "es", difficulty)["display"]
        if es != coding["display"]:
            coding["_display"] = _es(es)
        options.append({"valueCoding": coding})
    return options


def _item(link_id: str, text: str, es: str, code: dict | None, options: list) -> dict:
    item = {"linkId": link_id, "text": text, "_text": _es(es), "type": "choice", "required": True}
    if code:
        item["code"] = [code]
    item["answerOption"] = options
    return item


def build(key: str) -> dict:
    """The Questionnaire resource (plain JSON) of one screener or of the free-text reason."""
    base = {
        "resourceType": "Questionnaire",
        "id": key,
        "url": canonical(key).split("|")[0],
        "version": codes.QUESTIONNAIRE_VERSION,
        "status": "active",
        "subjectType": ["Patient"],
        "language": "en",
    }
    if key == "intake-reason":
        item = {"linkId": "reason", "text": REASON_TEXT["en"], "_text": _es(REASON_TEXT["es"])}
        return {**base, "name": "IntakeReason", "title": "Intake: reason for contact",
                "item": [{**item, "type": "text", "required": True}]}  # fmt: skip
    en, es = engine.screener_items(key, "en"), engine.screener_items(key, "es")
    table = codes.SCREENERS[key]
    panel = table["panel"]
    options = _options(key)
    items = []
    for number, (text, text_es) in enumerate(zip(en["items"], es["items"], strict=True), 1):
        code = table["items"][number - 1]
        system = codes.ASQ_ITEM_SYSTEM if key == "asq" else codes.LOINC
        item = _item(str(number), text, text_es, {"system": system, "code": code}, options)
        if key == "asq" and number == 5:
            item["required"] = False  # asked only after a positive screen
        items.append(item)
    if key == "phq9":
        question = en["difficulty"]["question"]
        code = {"system": codes.LOINC, "code": table["difficulty"]}
        difficulty = _item(
            "difficulty", question, es["difficulty"]["question"], code, _options(key, True)
        )
        items.append({**difficulty, "required": False})
    resource = {**base, "name": en["name"].replace("-", ""), "title": en["name"]}
    if "stem" in en:
        resource["description"] = en["stem"]
    if panel:
        resource["code"] = [{"system": codes.LOINC, "code": panel[0], "display": panel[1]}]
    resource["copyright"] = en.get("source", "")
    resource["item"] = items
    return resource


@cache
def shipped(key: str) -> dict:
    return json.loads((DIRECTORY / f"{key}.json").read_text(encoding="utf-8"))


def write_all() -> None:
    for key in KEYS:
        text = json.dumps(build(key), ensure_ascii=False, indent=2) + "\n"
        (DIRECTORY / f"{key}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_all()
