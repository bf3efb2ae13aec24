"""Models of what governs the triage engine: scripts, crisis phrases and crisis models."""

from triage.models.choices import Acuity, Language
from triage.models.crisis_models import CrisisModel
from triage.models.phrases import CrisisPhrase
from triage.models.scripts import TriageScript

__all__ = ["Acuity", "CrisisModel", "CrisisPhrase", "Language", "TriageScript"]
