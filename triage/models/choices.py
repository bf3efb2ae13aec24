from django.db import models
from django.utils.translation import gettext_lazy as _


class Acuity(models.TextChoices):
    """How soon a person must act. Ordered from most to least pressing."""

    EMERGENT = "emergent", _("Emergent")
    URGENT = "urgent", _("Urgent")
    SOON = "soon", _("Soon")
    ROUTINE = "routine", _("Routine")

    @classmethod
    def rank(cls, value: str) -> int:
        """0 for emergent ... 3 for routine: sorting by rank puts the most pressing first."""
        return [c.value for c in cls].index(value)


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
