from django.apps import AppConfig


class TriageConfig(AppConfig):
    """The triage engine (triage/engine, pure) and what governs it: scripts and crisis
    models."""

    name = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry.
        from lib import health
        from lib.history import register_change_history
        from triage.crisis_models import active
        from triage.models import TriageScript

        register_change_history(TriageScript)
        # Without a loadable model the scan runs on the lexicon alone: /healthz says so.
        health.register_check("crisis_model", active.health_check)
