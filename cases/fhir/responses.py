"""QuestionnaireResponses (screeners, free-text reason) and total-score Observations.

Scores come from the engine (``triage.engine.score_*``) over the same plain-data view
of the intake the triage used (``intake_facts``), so the export, the case page and the
triage agree. The patient's words and the answer codes are kept as stored; displays
(item text, answer text, band words) are in the record's language.
"""

from __future__ import annotations

from django.utils.translation import override

from cases.fhir import codes, questionnaires
from cases.triaging import intake_facts
from triage import engine


def _ref(ids: dict, name: str) -> dict:
    return {"reference": f"urn:uuid:{ids[name]}"}


def _response(ids, key, language, authored, items) -> dict:
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": ids[f"qr-{key}"],
        "language": language,
        "questionnaire": questionnaires.canonical(key),
        "status": "completed",
        "subject": _ref(ids, "patient"),
        "item": items,
    }
    if authored:
        resource["authored"] = authored
    return resource


def _screener_items(key: str, values, language: str, difficulty=None) -> list[dict]:
    wording = engine.screener_items(key, language)
    items = []
    for number, (text, value) in enumerate(zip(wording["items"], values, strict=False), 1):
        if value is None:
            continue  # ASQ question 5, asked only after a positive screen
        coding = questionnaires.answer_coding(key, value, language)
        items.append({"linkId": str(number), "text": text, "answer": [{"valueCoding": coding}]})
    if difficulty is not None:
        coding = questionnaires.answer_coding(key, difficulty, language, difficulty=True)
        items.append(
            {
                "linkId": "difficulty",
                "text": wording["difficulty"]["question"],
                "answer": [{"valueCoding": coding}],
            }
        )
    return items


def _observation(ids, key, result, language, effective) -> dict:
    code, display = codes.SCREENERS[key]["total"]
    with override(language):
        words = str(codes.BAND_WORDS[key][result.band])
    resource = {
        "resourceType": "Observation",
        "id": ids[f"obs-{key}"],
        "language": language,
        "status": "final",
        "category": [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": [{"system": codes.LOINC, "code": code, "display": display}]},
        "subject": _ref(ids, "patient"),
        "valueInteger": result.total,
        "interpretation": [
            {
                "coding": [{"system": codes.BAND_SYSTEM, "code": result.band, "display": words}],
                "text": words,
            }
        ],
        "derivedFrom": [_ref(ids, f"qr-{key}")],
    }
    if effective:
        resource["effectiveDateTime"] = effective
    return resource


def screener_resources(intake, ids: dict, authored: str | None) -> list[dict]:
    """One QuestionnaireResponse per screener answered (plus the reason), and totals."""
    facts = intake_facts(intake)
    language = intake.language
    out = []
    if facts.phq9:
        items = _screener_items("phq9", facts.phq9, language, facts.phq9_difficulty)
        out.append(_response(ids, "phq9", language, authored, items))
        result = engine.score_phq9(facts.phq9, facts.phq9_difficulty)
        out.append(_observation(ids, "phq9", result, language, authored))
    if facts.gad7:
        out.append(
            _response(
                ids, "gad7", language, authored, _screener_items("gad7", facts.gad7, language)
            )
        )
        out.append(_observation(ids, "gad7", engine.score_gad7(facts.gad7), language, authored))
    if facts.asq:
        out.append(
            _response(ids, "asq", language, authored, _screener_items("asq", facts.asq, language))
        )
    if intake.reason:
        with override(language):
            question = str(codes.REASON_QUESTION)
        item = {"linkId": "reason", "text": question, "answer": [{"valueString": intake.reason}]}
        out.append(_response(ids, "intake-reason", language, authored, [item]))
    return out
