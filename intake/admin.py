"""Admin for consent documents, consents and intakes.

Consent documents are versioned: only drafts can be edited; publishing (an admin
action calling ``consent_document_publish``) supersedes the previous version in one
transaction. Intakes are read-only and audited (AuditedModelAdmin); their PHI is
shown only to users with ``accounts.read_phi``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_read_phi
from audit.admin import AuditedModelAdmin
from intake import services, status
from intake.models import Consent, ConsentDocument, Intake

PHI_FIELDS = ("full_name", "date_of_birth", "phone", "email", "reason", "answers")


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "version", "status", "published_at")
    list_filter = ("language", "status")
    fields = ("language", "version", "title", "body", "status", "published_at", "body_hash")
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        always = ("version", "status", "published_at", "body_hash")
        if obj is None:
            return always
        if obj.status != ConsentDocument.Status.DRAFT:
            return ("language", "title", "body", *always)
        return ("language", *always)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == ConsentDocument.Status.DRAFT

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        draft = services.consent_document_create_draft(
            language=obj.language, title=obj.title, body=obj.body, user=request.user
        )
        obj.pk, obj.version = draft.pk, draft.version

    @admin.action(description=_("Publish the selected draft (supersedes the published one)"))
    def publish(self, request, queryset):
        for document in queryset:
            try:
                services.consent_document_publish(document=document)
            except services.ConsentDocumentLocked:
                self.message_user(
                    request,
                    _("%(doc)s is not a draft and was left as it is.") % {"doc": document},
                    messages.WARNING,
                )
            else:
                self.message_user(request, _("Published %(doc)s.") % {"doc": document})


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("id", "document_version", "language", "method", "given_at", "withdrawn_at")
    list_filter = ("language", "method")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Intake)
class IntakeAdmin(AuditedModelAdmin):
    """Read-only; every list and every opened intake is an audit event."""

    list_display = ("reference", "status", "team", "language", "created_at", "submitted_at")
    list_filter = ("status", "language", "team")
    search_fields = ("reference",)
    actions = ["revoke_status_link"]

    def audit_patient_ref(self, obj) -> str:
        return obj.reference

    def get_fields(self, request, obj=None):
        base = [
            "reference", "status", "team", "language", "consent", "created_at", "submitted_at",
            "preferred_contact", "voicemail_ok", "age_band", "gender", "preferred_language",
            "status_token_expires_at", "status_token_revoked_at",
        ]  # fmt: skip
        if can_read_phi(request.user):
            return [*base, *(f"phi_{name}" for name in PHI_FIELDS)]
        return [*base, "phi_hidden"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Patient information"))
    def phi_hidden(self, obj):
        return _("Hidden: reading patient information needs the read-PHI permission.")

    @admin.action(description=_("Revoke the patient's status link"))
    def revoke_status_link(self, request, queryset):
        for intake in queryset:
            status.intake_revoke_status_link(intake=intake, request=request)
        self.message_user(request, _("Status links revoked."))


def _phi_display(name: str):
    def show(self, obj):
        return getattr(obj, name)

    show.short_description = Intake._meta.get_field(name).verbose_name
    return show


for _name in PHI_FIELDS:
    setattr(IntakeAdmin, f"phi_{_name}", _phi_display(_name))
