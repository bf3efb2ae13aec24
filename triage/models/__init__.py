"""Models of what governs the triage engine: scripts and crisis models."""

from triage.models.choices import Acuity, Language
from triage.models.crisis_models import CrisisModel
from triage.models.scripts import TriageScript

__all__ = ["Acuity", "CrisisModel", "Language", "TriageScript"]
