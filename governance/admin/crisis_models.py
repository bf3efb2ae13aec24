"""Crisis models in the admin: read their report, approve, activate, shadow, roll back.

Drafts come from ``manage.py crisis_model train``; a model never changes once stored.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from governance.admin.lifecycle import each
from governance.crisis_models import crisis_model_shadow
from triage.crisis_models import services
from triage.crisis_models.report import format_report
from triage.models import CrisisModel

SHADOW_DAYS = 14


@admin.register(CrisisModel)
class CrisisModelAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "status",
        "version",
        "threshold",
        "author",
        "approved_by",
        "created_at",
    ]
    list_filter = ["status"]
    actions = ["validate", "approve", "activate", "shadow_run", "rollback"]
    fields = [
        "number",
        "version",
        "status",
        "threshold",
        "training_note",
        "author",
        "approved_by",
        "created_at",
        "approved_at",
        "activated_at",
        "retired_at",
        "report",
        "reliability_plot",
        "shadow_summary",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # drafts come from `manage.py crisis_model train`

    def has_delete_permission(self, request, obj=None):
        return False  # every scan names the version that made it

    def get_urls(self):
        own = [
            path(
                "<int:pk>/reliability.png",
                self.admin_site.admin_view(self.reliability_png),
                name="triage_crisismodel_reliability",
            )
        ]
        return own + super().get_urls()

    def reliability_png(self, request, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        record = get_object_or_404(CrisisModel, pk=pk)
        if not record.reliability_png:
            return HttpResponse(status=404)
        return HttpResponse(bytes(record.reliability_png), content_type="image/png")

    @admin.display(description=_("validation report (blind test)"))
    def report(self, obj):
        report = obj.validation_report
        if not report:
            return _("Not validated yet: use the action “Validate on the blind sets”.")
        older = "; ".join(
            f"{name}: n={f['n']}, sensitivity {f['sensitivity']:.3f}, specificity"
            f" {f['specificity']:.3f}"
            for name, f in report["older_blind_sets"].items()
        )
        verdict = _("Meets the floors.") if report["meets_floors"] else " ".join(report["problems"])
        return format_html(
            "<p><strong>{}</strong></p><pre>{}</pre><p>{}</p>",
            verdict,
            format_report(report["blind_test"]),
            older,
        )

    @admin.display(description=_("reliability"))
    def reliability_plot(self, obj):
        if not obj.reliability_png:
            return "-"
        url = reverse("admin:triage_crisismodel_reliability", args=[obj.pk])
        return format_html(
            '<img src="{}" width="450" height="450" alt="{}">',
            url,
            _("Reliability diagram: predicted probability against the share that were crisis"),
        )

    @admin.display(description=_("shadow run"))
    def shadow_summary(self, obj):
        r = obj.shadow_report
        if not r:
            return "-"
        return _(
            "%(texts)d texts of the last %(days)d days: %(new)d newly flagged, %(gone)d no longer"
            " flagged, compared with %(other)s."
        ) % {
            "texts": r["texts"],
            "days": r["days"],
            "new": r["newly_flagged"],
            "gone": r["no_longer_flagged"],
            "other": r["compared_with"],
        }

    def _each(self, request, queryset, step, done: str) -> None:
        each(
            self,
            request,
            queryset,
            step,
            done,
            services.CrisisModelLifecycleError,
            name=lambda record: record.label,
        )

    @admin.action(description=_("Validate on the blind sets"))
    def validate(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.crisis_model_validate(record=r, actor=request.user),
            "validated",
        )

    @admin.action(description=_("Approve (second person; needs a report that meets the floors)"))
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.crisis_model_approve(record=r, approver=request.user),
            "approved",
        )

    @admin.action(description=_("Activate"))
    def activate(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.crisis_model_activate(record=r, actor=request.user),
            "active",
        )

    @admin.action(description=_("Shadow run over the last 14 days"))
    def shadow_run(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: crisis_model_shadow(record=r, days=SHADOW_DAYS, actor=request.user),
            "shadow run done",
        )

    @admin.action(description=_("Roll back to the model active before"))
    def rollback(self, request, queryset):
        try:
            back = services.crisis_model_rollback(actor=request.user)
        except services.CrisisModelLifecycleError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        now = back.label if back else _("the shipped model")
        self.message_user(request, _("Rolled back: %(now)s is in use.") % {"now": now})
