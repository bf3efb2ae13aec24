"""Admin: the audited mixin for PHI models, and the read-only auditor views."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from audit import exports
from audit.models import AccessEvent, ChainAnchor
from audit.services import record_access

AUDIT_TRAIL_PERMISSION = "accounts.read_audit_trail"


def can_read_audit_trail(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(AUDIT_TRAIL_PERMISSION)))


class AuditedModelAdmin(admin.ModelAdmin):
    """ModelAdmin for models holding PHI: opening an object or its history records VIEW,
    saving a change records UPDATE, the list records LIST (SEARCH when a search term
    was given; the term itself is never stored, it may be PHI).

    Override ``audit_patient_ref(obj)`` to return the pseudonymous reference (the
    case reference code), never a PHI value.
    """

    def audit_object_type(self) -> str:
        return self.model._meta.label_lower

    def audit_patient_ref(self, obj) -> str:
        return ""

    def _record_object(self, request, object_id, response, view: str) -> None:
        # A form shown (200) is a VIEW; a saved change (POST answered with a redirect) is
        # an UPDATE (django-auditlog keeps what changed).
        saved = request.method == "POST" and response.status_code == 302
        if response.status_code != 200 and not saved:
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        record_access(
            request=request,
            action=AccessEvent.Action.UPDATE if saved else AccessEvent.Action.VIEW,
            object_type=self.audit_object_type(),
            object_id=obj.pk,
            patient_ref=self.audit_patient_ref(obj),
            details={"via": "admin", "view": view},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The response is rendered lazily after this returns: the event is written (or
        # its failure raised, becoming a 503) before any PHI reaches the template.
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_object(request, object_id, response, "change")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_object(request, object_id, response, "history")
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            searched = bool(changelist.query)
            record_access(
                request=request,
                action=AccessEvent.Action.SEARCH if searched else AccessEvent.Action.LIST,
                object_type=self.audit_object_type(),
                details={
                    "via": "admin",
                    "results": changelist.result_count,
                    "shown": len(changelist.result_list),
                },
            )
        return response


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes audit records here, superusers included."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return can_read_audit_trail(request.user)

    def has_module_permission(self, request) -> bool:
        return can_read_audit_trail(request.user)


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAuditAdmin):
    date_hierarchy = "occurred_at"
    list_display = [
        "sequence", "occurred_at", "actor_username", "actor_role", "action", "outcome",
        "object_type", "object_id", "patient_ref", "client_address",
    ]  # fmt: skip
    list_filter = ["action", "outcome", "occurred_at", "object_type", "actor_username"]
    search_fields = ["=patient_ref", "=object_id", "actor_username", "=request_id"]
    list_per_page = 100
    show_full_result_count = False
    actions = ["export_csv", "export_json"]
    fields = [
        "sequence", "occurred_at", "actor", "actor_username", "actor_role", "action",
        "outcome", "object_type", "object_id", "patient_ref", "reason", "client_address",
        "user_agent", "request_id", "path", "details", "prev_hash", "hash",
    ]  # fmt: skip
    readonly_fields = fields

    # Exact filters by URL as well, for links such as ?patient_ref=C-0001 or
    # ?object_type=triage.case&object_id=<id> (no sidebar: the values are unbounded).
    URL_FILTERS = {"patient_ref", "object_type", "object_id", "actor_username", "request_id"}

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.URL_FILTERS or super().lookup_allowed(lookup, value, request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _export(self, request: HttpRequest, queryset, fmt: str) -> HttpResponse:
        return exports.export_events(request=request, queryset=queryset, fmt=fmt)

    @admin.action(description=_("Export selected events as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export selected events as JSON"), permissions=["view"])
    def export_json(self, request, queryset):
        return self._export(request, queryset, "json")


@admin.register(ChainAnchor)
class ChainAnchorAdmin(ReadOnlyAuditAdmin):
    list_display = ["sequence", "hash", "first_sequence", "archive_name", "created_at"]
    readonly_fields = [
        "sequence", "hash", "first_sequence", "first_prev_hash", "archive_name",
        "archive_sha256", "created_at",
    ]  # fmt: skip


# django-auditlog's change history: read-only too (its own admin allows cascade deletes).
from auditlog.admin import LogEntryAdmin as _AuditlogLogEntryAdmin  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ChangeHistoryAdmin(_AuditlogLogEntryAdmin):
    """Who changed which account, role or setting: readable by auditors, changed by nobody."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        user = request.user
        return can_read_audit_trail(user) or user.has_perm("auditlog.view_logentry")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)
