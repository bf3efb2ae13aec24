"""Triage models, one module per capability; imported here so Django finds them."""

from triage.models.cases import (
    AcuityOverride,
    BreakGlassAccess,
    Case,
    CaseEvent,
    CrisisSignal,
    TriageResult,
)
from triage.models.choices import Acuity, Language
from triage.models.consent import Consent, ConsentDocument
from triage.models.crisis_models import CrisisModel, CrisisScan
from triage.models.health import WorkerHeartbeat
from triage.models.intake import Intake
from triage.models.phrases import CrisisPhrase
from triage.models.scripts import TriageScript

__all__ = [
    "Acuity",
    "AcuityOverride",
    "BreakGlassAccess",
    "Case",
    "CaseEvent",
    "Consent",
    "ConsentDocument",
    "CrisisModel",
    "CrisisPhrase",
    "CrisisScan",
    "CrisisSignal",
    "Intake",
    "Language",
    "TriageResult",
    "TriageScript",
    "WorkerHeartbeat",
]
