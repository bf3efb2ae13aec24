"""Screener answers item by item, scored by the engine, for the case page.

Totals, bands and flags come from the engine's scoring functions (``triage.engine``),
run on the same plain-data view of the intake the triage used
(``cases.triaging.intake_facts``), so the page and the triage never disagree.
Wording comes from the engine's screener data in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases.triaging import intake_facts
from triage import engine

SCORERS = {
    "phq9": lambda facts: engine.score_phq9(facts.phq9, facts.phq9_difficulty),
    "gad7": lambda facts: engine.score_gad7(facts.gad7),
    "asq": lambda facts: engine.score_asq(facts.asq),
    "cssrs": lambda facts: engine.score_cssrs(facts.cssrs),
}


@dataclass
class Item:
    number: int | None  # None: an unnumbered question (the PHQ-9 difficulty question)
    text: str
    answer: str
    value: object


@dataclass
class Section:
    key: str
    title: str
    stem: str
    items: list[Item] = field(default_factory=list)
    total: int | None = None
    maximum: int | None = None
    band: str = ""
    flags: list[str] = field(default_factory=list)
    crisis: bool = False
    error: str = ""


MAXIMUM = {"phq9": 27, "gad7": 21}


def _language(language: str | None) -> str:
    code = (language or "en").split("-")[0]
    return code if code in ("en", "es") else "en"


def screener_sections(intake, language: str | None) -> list[Section]:
    facts = intake_facts(intake)
    lang = _language(language)
    sections = []
    for key, scorer in SCORERS.items():
        values = getattr(facts, key)
        if values is None:
            continue
        wording = engine.screener_items(key, lang)
        labels = {str(o["value"]): o["label"] for o in wording.get("options", [])}
        if key == "cssrs":
            labels.update(
                {
                    "yes_within_3_months": _("Yes, within the past 3 months"),
                    "yes_over_3_months": _("Yes, more than 3 months ago"),
                }
            )
        section = Section(key, wording["name"], wording.get("stem", ""), maximum=MAXIMUM.get(key))
        for number, (text, value) in enumerate(
            zip(wording["items"], values, strict=False), start=1
        ):
            if value is None and key in ("asq", "cssrs"):
                continue  # a follow-up question that was not asked
            answer = labels.get(str(value), "–") if value is not None else "–"
            section.items.append(Item(number, text, answer, value))
        if key == "phq9" and facts.phq9_difficulty is not None:
            section.items.append(_difficulty_item(wording, facts.phq9_difficulty))
        try:
            result = scorer(facts)
        except engine.ScreenerInputError as exc:
            section.error = str(exc)
        else:
            section.total = result.total
            section.band = result.label if result.total is None else result.band.replace("_", " ")
            section.flags = [flag.replace("_", " ") for flag in result.flags]
            section.crisis = result.crisis
        sections.append(section)
    return sections


def _difficulty_item(wording: dict, value: int) -> Item:
    """The PHQ-9's closing question on how hard the problems make daily life (not scored)."""
    question = wording["difficulty"]
    labels = {o["value"]: o["label"] for o in question["options"]}
    return Item(None, question["question"], labels.get(value, "–"), None)
