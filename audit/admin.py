"""Admin: the audited mixin for PHI models, and the read-only auditor views."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from audit import actors, change_history, exports
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
    """Who changed which account, role or setting: readable by auditors, changed by nobody.

    Entries about patients (``audit.change_history``) show their values only to a
    holder of ``accounts.read_phi``, and each such read is an access event; everyone
    else sees who changed which kind of record and when, with the values hidden.
    """

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

    # ---- clinical entries: hidden without read_phi, audited with it ----
    # The choice is made per request from the user (below), never from state kept on
    # this shared instance, so one user's request cannot decide what another sees.
    MASKED_COLUMNS = {
        "resource_url": "resource_masked",
        "msg_short": "msg_short_masked",
        "msg": "msg_masked",
    }

    def _masking(self, request, names):
        if actors.can_read_phi(request.user):
            return list(names)
        return [self.MASKED_COLUMNS.get(name, name) for name in names]

    def get_list_display(self, request):
        return self._masking(request, super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        return self._masking(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (title, {**options, "fields": self._masking(request, options["fields"])})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_object(self, request, object_id, from_field=None):
        # Every detail page (change, history) and str(entry) go through here.
        entry = super().get_object(request, object_id, from_field)
        hidden = entry is not None and change_history.is_clinical(entry)
        if hidden and not actors.can_read_phi(request.user):
            entry = change_history.masked(entry)
        return entry

    @admin.display(description=_("Resource"))
    def resource_masked(self, obj):
        if change_history.is_clinical(obj):
            return f"{obj.content_type} {obj.object_pk}: {change_history.HIDDEN}"
        return self.resource_url(obj)

    @admin.display(description=_("Changes"))
    def msg_short_masked(self, obj):
        return change_history.HIDDEN if change_history.is_clinical(obj) else self.msg_short(obj)

    @admin.display(description=_("Changes"))
    def msg_masked(self, obj):
        return change_history.HIDDEN_CHANGES if change_history.is_clinical(obj) else self.msg(obj)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and not actors.can_read_phi(request.user):
            # Matching a search term against a hidden entry's values would reveal them.
            results = results.exclude(change_history.clinical_filter())
        return results, may_have_duplicates

    def _record_entry(self, request, object_id, response, view: str) -> None:
        if response.status_code != 200 or not actors.can_read_phi(request.user):
            return
        entry = super().get_object(request, unquote(object_id))
        if entry is None or not change_history.is_clinical(entry):
            return
        record_access(
            request=request,
            action=AccessEvent.Action.VIEW,
            object_type=change_history.label_of(entry.content_type),
            object_id=entry.object_pk,
            patient_ref=change_history.patient_ref_of(entry),
            details={"via": "admin", "view": f"change_history_{view}", "log_entry": entry.pk},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The response renders lazily after this returns: the event is written (or its
        # failure raised, a 503) before any value reaches the template.
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_entry(request, object_id, response, "change")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_entry(request, object_id, response, "history")
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if (
            response.status_code != 200
            or changelist is None
            or not actors.can_read_phi(request.user)
        ):
            return response
        clinical = [e for e in changelist.result_list if change_history.is_clinical(e)]
        if clinical:
            record_access(
                request=request,
                action=AccessEvent.Action.SEARCH if changelist.query else AccessEvent.Action.LIST,
                object_type="auditlog.logentry",
                details={
                    "via": "admin",
                    "view": "change_history",
                    "clinical_entries": [e.pk for e in clinical],
                },
            )
        return response
