from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry.
        from cases.models import AcuityOverride, BreakGlassAccess, Case, CrisisSignal
        from lib.history import register_change_history

        register_change_history(Case, AcuityOverride, CrisisSignal, BreakGlassAccess)
        # Paging's changes on the case timeline (paging sits below cases and cannot
        # write it); imported here, where the models are ready.
        from cases import receivers

        receivers.connect()
