"""Admin: schedules and policies are edited here; pages and notifications are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedModelAdmin
from paging.models import (
    EscalationPolicy,
    EscalationStep,
    Notification,
    OnCallSchedule,
    Page,
    RotationMember,
    ShiftConfirmation,
    ShiftOverride,
    WebhookEndpoint,
)


class RotationMemberInline(admin.TabularInline):
    model = RotationMember
    extra = 1
    autocomplete_fields = ["user"]


class ShiftOverrideInline(admin.TabularInline):
    model = ShiftOverride
    extra = 0
    autocomplete_fields = ["user"]
    exclude = ["created_by"]


@admin.register(OnCallSchedule)
class OnCallScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "layer", "rotation", "time_zone", "handoff_time", "is_active"]
    list_filter = ["team", "layer", "rotation", "is_active"]
    search_fields = ["name", "team__name"]
    inlines = [RotationMemberInline, ShiftOverrideInline]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in instances:
            if isinstance(obj, ShiftOverride) and obj.created_by_id is None:
                obj.created_by = request.user
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "ack_timeout", "repeat_after", "is_active"]
    list_filter = ["team", "is_active"]
    search_fields = ["name", "team__name"]
    inlines = [EscalationStepInline]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "url", "is_active"]
    list_filter = ["is_active", "team"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the paging services: viewable, never edited here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ["cycle", "step", "channel", "recipient", "address", "status", "attempt", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Page)
class PageAdmin(AuditedModelAdmin, ReadOnlyAdmin):
    list_display = [
        "reference", "team", "status", "created_at", "first_notified_at",
        "first_acknowledged_at", "fallback_used",
    ]  # fmt: skip
    list_filter = ["status", "team", "fallback_used"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    exclude = ["signals"]
    inlines = [NotificationInline]

    def audit_patient_ref(self, obj) -> str:
        return obj.reference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "kind", "channel", "recipient", "address", "status", "attempt",
        "sent_at", "provider_message_id",
    ]  # fmt: skip
    list_filter = ["kind", "channel", "status", "fallback"]
    search_fields = ["attempt_key", "provider_message_id"]
    date_hierarchy = "created_at"


@admin.register(ShiftConfirmation)
class ShiftConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["user", "schedule", "shift_starts_at", "confirmed_at", "supervisor_warned_at"]
    list_filter = ["schedule__team"]
    verbose_name = _("shift confirmation")


# SMS accounts and paging phone numbers: their own module, registered on import.
from paging import admin_sms  # noqa: E402, F401
