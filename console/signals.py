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
}
CONCERN_WORDS = {"high": _("high concern"), "raised": _("raised concern"), "low": _("low concern")}


def signal_name(signal: CrisisSignal) -> str:
    """ "Suicide: plan", "Crisis model: high concern", "Recorded by staff"..."""
    category = str(CATEGORY_NAMES.get(signal.category, signal.category.replace("_", " ")))
    if signal.category == "model_concern":
        return f"{category}: {CONCERN_WORDS.get(signal.severity, signal.severity)}"
    if signal.subtype:
        return f"{category}: {signal.subtype.replace('_', ' ')}"
    return category


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
