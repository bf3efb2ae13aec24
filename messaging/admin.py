"""Admin: conversations read-only and audited; message bodies only for PHI readers."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_read_phi
from audit.admin import AuditedModelAdmin
from messaging.models import Conversation, PatientNotice


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnly, AuditedModelAdmin):
    """Opening a conversation is a VIEW of messaging.conversation, like the console."""

    list_display = ("case", "status", "silenced_reason", "assistant_silenced_at", "created_at")
    list_filter = ("status", "silenced_reason")
    search_fields = ("=case__reference",)
    list_select_related = ("case",)

    def audit_object_type(self) -> str:
        return "messaging.conversation"

    def audit_patient_ref(self, obj) -> str:
        return obj.case.reference

    def get_fields(self, request, obj=None):
        base = [
            "case", "status", "silenced_reason", "assistant_silenced_at", "taken_over_by",
            "taken_over_at", "created_at",
        ]  # fmt: skip
        return [*base, "thread" if can_read_phi(request.user) else "thread_hidden"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("Messages"))
    def thread(self, obj):
        return format_html_join(
            "",
            "<p><strong>{}</strong> {} {}<br>{}</p>",
            (
                (m.get_sender_display(), m.sender_name, m.created_at, m.body)
                for m in obj.messages.order_by("created_at")
            ),
        )

    @admin.display(description=_("Messages"))
    def thread_hidden(self, obj):
        return _("Hidden: reading patient information needs the read-PHI permission.")


@admin.register(PatientNotice)
class PatientNoticeAdmin(ReadOnly, admin.ModelAdmin):
    """Delivery state only: no address and no content is stored."""

    list_display = ("id", "channel", "status", "attempt", "created_at", "sent_at", "error")
    list_filter = ("status", "channel")
    readonly_fields = list_display


from messaging import admin_clinic  # noqa: E402, F401  (registers the clinic facts)
