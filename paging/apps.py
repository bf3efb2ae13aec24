from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagingConfig(AppConfig):
    name = "paging"
    label = "paging"
    verbose_name = _("Crisis paging")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Clinical configuration is change-logged by django-auditlog. Imported here:
        # the models cannot be imported before the app registry is ready.
        from auditlog.registry import auditlog

        from paging.models import (
            EscalationPolicy,
            EscalationStep,
            OnCallSchedule,
            RotationMember,
            ShiftOverride,
            WebhookEndpoint,
        )

        for model in (
            EscalationPolicy,
            EscalationStep,
            OnCallSchedule,
            RotationMember,
            ShiftOverride,
            WebhookEndpoint,
        ):
            if not auditlog.contains(model):
                auditlog.register(model)
        # Sealed fields stay out: auditlog keeps values in clear (the token, a number).
        from paging.models import PagingPhone, SmsAccount

        for model, sealed in ((SmsAccount, ["auth_token"]), (PagingPhone, ["phone"])):
            if not auditlog.contains(model):
                auditlog.register(model, exclude_fields=sealed)
