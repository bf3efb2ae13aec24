"""Admin registrations of the triage app, one module per capability."""

from triage.admin import intake, scripts  # noqa: F401
