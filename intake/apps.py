from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry.
        from intake.models import Consent, ConsentDocument, Intake
        from lib.history import register_change_history

        register_change_history(ConsentDocument, Consent, Intake)
