"""Consent and the intake a patient fills in."""

from intake.models.consent import Consent, ConsentDocument
from intake.models.intake import Intake

__all__ = ["Consent", "ConsentDocument", "Intake"]
