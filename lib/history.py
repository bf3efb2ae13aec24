"""django-auditlog change history for clinical records, without their sealed columns."""

from django.db import models

from lib.fields import EncryptedMixin


def register_change_history(*model_classes: type[models.Model]) -> None:
    """Encrypted fields are left out: auditlog stores values in clear text, and PHI must
    never leave its sealed column. Their reads and changes are in the audit trail."""
    from auditlog.registry import auditlog  # needs the app registry: called from ready()

    for model in model_classes:
        if auditlog.contains(model):
            continue
        sealed = [f.name for f in model._meta.fields if isinstance(f, EncryptedMixin)]
        auditlog.register(model, exclude_fields=sealed)
