from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """The work that governs the triage engine with the clinic's live data: shadow runs
    of a script or a crisis model over recent cases, intakes and messages, the export of
    nurse-labelled messages, and the admin of scripts and models. It sits above the apps
    it reads (cases, intake, messaging), so triage/ never reads them; it owns no tables."""

    name = "governance"
    verbose_name = _("Governance")
