"""Code systems, LOINC codes and display words of the FHIR export.

LOINC codes are the published ones for the PHQ-9 and GAD-7 panels, items, answers and
totals. The ASQ, the bands, the acuity and the crisis flag have no standard codes we
could use as they are, so they are coded in the project's own systems under CANONICAL.
Display words are lazy translations: rendered in the record's language by the builder.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The project's canonical base: Questionnaire urls and its own code systems hang off it.
CANONICAL = "https://triage-console.example.org/fhir"
QUESTIONNAIRE_VERSION = "1"
SOFTWARE = "triage-console"
SOFTWARE_VERSION = "0.1.0"  # pyproject.toml's version

LOINC = "http://loinc.org"
BCP47 = "urn:ietf:bcp:47"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"

BAND_SYSTEM = f"{CANONICAL}/CodeSystem/screener-band"
ACUITY_SYSTEM = f"{CANONICAL}/CodeSystem/acuity"
CRISIS_SYSTEM = f"{CANONICAL}/CodeSystem/crisis"
ASQ_ANSWER_SYSTEM = f"{CANONICAL}/CodeSystem/asq-answer"
ASQ_ITEM_SYSTEM = f"{CANONICAL}/CodeSystem/asq-item"
SCRIPT_SYSTEM = f"{CANONICAL}/triage-script"
CRISIS_MODEL_SYSTEM = f"{CANONICAL}/crisis-model"
REFERENCE_SYSTEM = f"{CANONICAL}/case-reference"

# Frequency answers shared by the PHQ-9 and the GAD-7 (LOINC answer list LL358-3).
FREQUENCY_ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
# The PHQ-9 difficulty question's answers (LOINC answer list LL359-1).
DIFFICULTY_ANSWERS = ("LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3")

SCREENERS = {
    "phq9": {
        "panel": ("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]"),
        "total": (
            "44261-6",
            "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        ),
        "items": (
            "44250-9",
            "44255-8",
            "44259-0",
            "44254-1",
            "44251-7",
            "44258-2",
            "44252-5",
            "44253-3",
            "44260-8",
        ),
        "difficulty": "69722-7",
    },
    "gad7": {
        "panel": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
        "total": (
            "70274-6",
            "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        ),
        "items": ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
    },
    "asq": {"panel": None, "total": None, "items": ("q1", "q2", "q3", "q4", "q5")},
}

BAND_WORDS = {
    "phq9": {
        "minimal": _("minimal depression"),
        "mild": _("mild depression"),
        "moderate": _("moderate depression"),
        "moderately_severe": _("moderately severe depression"),
        "severe": _("severe depression"),
    },
    "gad7": {
        "minimal": _("minimal anxiety"),
        "mild": _("mild anxiety"),
        "moderate": _("moderate anxiety"),
        "severe": _("severe anxiety"),
    },
}

# The intake form's own question (already in the catalogue).
REASON_QUESTION = _("Why are you contacting the clinic?")
CRISIS_WORDS = _("Crisis signal: hand to a person now")
SCRIPT_WORDS = _("Scripted triage, not a clinical diagnosis")
