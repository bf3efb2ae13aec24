from django.db import models
from django.utils.translation import gettext_lazy as _

from triage import engine

_ACUITY_LABELS = {
    engine.EMERGENT: _("Emergent"),
    engine.URGENT: _("Urgent"),
    engine.SOON: _("Soon"),
    engine.ROUTINE: _("Routine"),
}


class _AcuityChoices(models.TextChoices):
    @classmethod
    def rank(cls, value: str) -> int:
        """The engine's rank: 0 for emergent ... 3 for routine (most pressing first)."""
        return engine.acuity_rank(value)


# How soon a person must act: the members, their order (most pressing first) and rank
# are the engine's (triage.engine.ACUITY_ORDER); only the translated labels live here.
Acuity = _AcuityChoices(
    "Acuity",
    [(a.name, (a.value, _ACUITY_LABELS[a])) for a in engine.ACUITY_ORDER],
    module=__name__,
)


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
