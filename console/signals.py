"""Crisis signals and model readings in words a nurse uses (never rule ids)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.models import CrisisScan, CrisisSignal
from triage.engine.crisis_model import concern_level

CATEGORY_NAMES = {
    "suicide": _("Suicide"),
    "self_harm": _("Self-harm"),
    "harm_to_others": _("Harm to others"),
    "abuse_violence": _("Abuse or violence"),
    "overdose_medical": _("Overdose or medical emergency"),
    "model_concern": _("Crisis model"),
    "abuse": _("Abuse or neglect"),
    "other": _("Other"),
}
# What each subtype means, in the words a nurse would say (the lexicon's subtypes).
SUBTYPE_NAMES = {
    ("suicide", "ideation"): _("thoughts of suicide"),
    ("suicide", "plan"): _("a plan"),
    ("suicide", "intent"): _("intent to act"),
    ("suicide", "means"): _("access to means"),
    ("suicide", "past_attempt"): _("a past attempt"),
    ("self_harm", "current"): _("harming themselves now"),
    ("self_harm", "intent"): _("intent to self-harm"),
    ("harm_to_others", "ideation"): _("thoughts of hurting someone"),
    ("harm_to_others", "intent"): _("intent to hurt someone"),
    ("harm_to_others", "means"): _("access to means"),
    ("abuse_violence", "physical"): _("physical violence"),
    ("abuse_violence", "sexual"): _("sexual abuse"),
    ("abuse_violence", "threat"): _("threats"),
    ("abuse_violence", "unsafe_home"): _("unsafe at home"),
    ("overdose_medical", "medical_emergency"): _("medical emergency"),
    ("overdose_medical", "overdose"): _("overdose"),
    ("overdose_medical", "poisoning"): _("poisoning"),
}
CONCERN_WORDS = {"high": _("high concern"), "raised": _("raised concern"), "low": _("low concern")}


def signal_name(signal: CrisisSignal) -> str:
    """ "Suicide: a plan", "Crisis model: high concern", "Self-harm: harming themselves now"..."""
    category = str(CATEGORY_NAMES.get(signal.category, signal.category.replace("_", " ")))
    if signal.category == "model_concern":
        return f"{category}: {CONCERN_WORDS.get(signal.severity, signal.severity)}"
    if signal.source == CrisisSignal.Source.SCREENER:
        return str(_("%(category)s: screener answer") % {"category": category})
    name = category
    if signal.subtype:
        subtype = SUBTYPE_NAMES.get((signal.category, signal.subtype))
        name = f"{category}: {subtype or signal.subtype.replace('_', ' ')}"
    if signal.subject == "third_party":
        name = f"{name} {_('(about someone else)')}"
    return name


@dataclass(frozen=True)
class ModelReading:
    source: str
    probability: float
    threshold: float
    version: str
    concern: str
    flagged: bool


def model_readings(scans: list[CrisisScan]) -> list[ModelReading]:
    """The latest model reading of each text of the case, in the order they were written."""
    latest: dict[tuple[str, str], CrisisScan] = {}
    for scan in scans:
        if scan.model_probability is not None:
            latest[(scan.source, scan.source_id)] = scan
    return [
        ModelReading(
            source=s.get_source_display(),
            probability=s.model_probability,
            threshold=s.model_threshold,
            version=s.model_version,
            concern=str(CONCERN_WORDS[concern_level(s.model_probability, s.model_threshold)]),
            flagged=s.model_probability >= s.model_threshold,
        )
        for s in latest.values()
    ]
