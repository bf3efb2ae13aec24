"""Triage scripts in the admin: drafts are edited; approved versions are read-only."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from governance.admin.lifecycle import each
from governance.scripts import shadow_run
from triage import engine
from triage.models import TriageScript
from triage.scripts import services


class TriageScriptForm(forms.ModelForm):
    class Meta:
        model = TriageScript
        fields = ["team", "change_note", "document"]

    def clean_team(self):
        # The base (no team) is made of phrase rows, edited in the console.
        team = self.cleaned_data.get("team")
        if team is None and (self.instance.pk is None or self.instance.team_id is not None):
            raise forms.ValidationError(_("Choose a team: the base is edited in the console."))
        return team

    def clean_document(self):
        document = self.cleaned_data["document"]
        try:
            engine.validate_document(document)
        except engine.ScriptError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return document


@admin.register(TriageScript)
class TriageScriptAdmin(admin.ModelAdmin):
    form = TriageScriptForm
    list_display = ["__str__", "team", "version", "status", "author", "approved_by", "created_at"]
    list_filter = ["status", "team"]
    search_fields = ["team__name", "change_note"]
    actions = ["approve", "activate", "retire", "shadow"]
    fields = [
        "team",
        "version",
        "status",
        "change_note",
        "document",
        "author",
        "approved_by",
        "approved_at",
        "activated_at",
        "retired_at",
        "validation_summary",
        "diff_from_previous",
    ]

    def get_readonly_fields(self, request, obj=None):
        always = ["version", "status", "author", "approved_by", "approved_at", "activated_at",
                  "retired_at", "validation_summary", "diff_from_previous"]  # fmt: skip
        if obj is None:
            return always
        if obj.status != TriageScript.Status.DRAFT:
            # Approved versions never change: a change is a new version.
            return [*always, "team", "change_note", "document"]
        return [*always, "team"]

    def has_delete_permission(self, request, obj=None):
        return False  # results keep the version that made them

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.script_update_draft(
                    script=obj, document=obj.document, change_note=obj.change_note
                )
            else:
                created = services.script_create_draft(
                    team=obj.team,
                    document=obj.document,
                    author=request.user,
                    change_note=obj.change_note,
                )
                obj.pk, obj.version, obj.author = created.pk, created.version, created.author
        except services.ScriptLifecycleError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    @admin.display(description=_("validation"))
    def validation_summary(self, obj):
        report = obj.validation_report
        if not report:
            return _("Not validated yet (approval runs the validation cases).")
        return format_html("<pre>{}</pre>", json.dumps(_headline(report), indent=2))

    @admin.display(description=_("changes from the previous version"))
    def diff_from_previous(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            "<pre>{}</pre>", services.script_diff(services.previous_version(obj), obj) or "-"
        )

    def _each(self, request, queryset, step, done: str) -> None:
        each(self, request, queryset, step, done, services.ScriptLifecycleError)

    @admin.action(description=_("Approve (runs the validation gate)"))
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.script_approve(script=s, approver=request.user),
            "approved",
        )

    @admin.action(description=_("Activate for its team"))
    def activate(self, request, queryset):
        self._each(request, queryset, lambda s: services.script_activate(script=s), "active")

    @admin.action(description=_("Retire"))
    def retire(self, request, queryset):
        self._each(request, queryset, lambda s: services.script_retire(script=s), "retired")

    @admin.action(description=_("Shadow run over the last 200 cases"))
    def shadow(self, request, queryset):
        for script in queryset:
            count, changes = shadow_run(script=script)
            refs = ", ".join(
                f"{c.reference} {c.acuity_before}->{c.acuity_after}" for c in changes[:50]
            )
            self.message_user(
                request,
                f"{script}: {count} case(s) re-triaged, {len(changes)} would change. {refs}",
                messages.WARNING if changes else messages.INFO,
            )


def _headline(report: dict) -> dict:
    keys = ("n", "tp", "fp", "tn", "fn", "sensitivity", "specificity", "ppv", "npv", "gate")
    return {
        **{k: report.get(k) for k in keys},
        "by_language": {
            lang: {k: v.get(k) for k in keys if k in v}
            for lang, v in report.get("by_language", {}).items()
        },
        "by_age_band": {
            band: {k: v.get(k) for k in keys if k in v}
            for band, v in report.get("by_age_band", {}).items()
        },
    }
