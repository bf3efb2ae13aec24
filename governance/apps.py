from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """The work that governs the triage engine with the clinic's live data: shadow runs
    of a script or a crisis model over recent cases, intakes and messages, the export of
    nurse-labelled messages, and the admin of scripts and models. It sits above the apps
    it reads (cases, intake, messaging), so triage/ never reads them; it owns no tables."""

    name = "governance"
    verbose_name = "Governance"  # shown nowhere: its admin is under the triage app
