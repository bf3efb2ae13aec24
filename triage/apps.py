import time

from django.apps import AppConfig


def _register_change_history() -> None:
    """django-auditlog history for consent, intakes, cases and triage scripts.

    Encrypted fields are left out: auditlog stores values in clear text, and PHI must
    never leave its sealed column. Their reads and changes are in the audit trail.
    """
    from auditlog.registry import auditlog

    from triage.fields import EncryptedMixin
    from triage.models import (
        AcuityOverride,
        BreakGlassAccess,
        Case,
        Consent,
        ConsentDocument,
        CrisisSignal,
        Intake,
        TriageScript,
    )

    for model in (ConsentDocument, Consent, Intake, Case, AcuityOverride, CrisisSignal,
                  BreakGlassAccess, TriageScript):  # fmt: skip
        if auditlog.contains(model):
            continue
        sealed = [f.name for f in model._meta.fields if isinstance(f, EncryptedMixin)]
        auditlog.register(model, exclude_fields=sealed)


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Triage"

    # When this process started (monotonic): /healthz says "starting" at first.
    started_at: float = 0.0

    def ready(self) -> None:
        self.started_at = time.monotonic()
        _register_change_history()
