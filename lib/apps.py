import time

from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers with no domain: PHI encryption, redaction, health."""

    name = "lib"
    verbose_name = "Shared helpers"
    default_auto_field = "django.db.models.BigAutoField"

    # When this process started (monotonic): /healthz says "starting" at first.
    started_at: float = 0.0

    def ready(self) -> None:
        self.started_at = time.monotonic()
