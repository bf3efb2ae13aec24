"""Admin registrations of the triage app, one module per capability."""

from triage.admin import crisis_models, scripts  # noqa: F401
