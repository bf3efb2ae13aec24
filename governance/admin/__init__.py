"""The admin of what governs the triage engine (triage scripts, crisis models), one
module per capability. Their URLs follow the models' app label (``admin:triage_...``)."""

from governance.admin import crisis_models, scripts  # noqa: F401
