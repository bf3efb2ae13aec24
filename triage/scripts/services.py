"""The triage script lifecycle: draft -> approved -> active -> retired.

Only drafts change. Approval needs the approver permission, someone other than the
author, and a validation run that meets the sensitivity threshold. Each team has at
most one active script (a database constraint); activating one retires the other.
"""

from __future__ import annotations

import difflib
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Team
from triage import engine
from triage.models import TriageScript
from triage.scripts.validation import passes_gate, validation_report


class ScriptLifecycleError(Exception):
    """A lifecycle step that is not allowed; the message says why, for the admin."""


def _engine_script(document: dict) -> engine.Script:
    try:
        engine.validate_document(document)
        return engine.Script.from_dict(document)
    except engine.ScriptError as exc:
        raise ScriptLifecycleError(f"The script document is not valid: {exc}") from exc


@transaction.atomic
def script_create_draft(
    *, team: Team, document: dict, author, change_note: str = ""
) -> TriageScript:
    _engine_script(document)
    # Lock the team's scripts so two drafts never get the same version number.
    list(TriageScript.objects.select_for_update().filter(team=team).values_list("pk"))
    latest = TriageScript.objects.filter(team=team).aggregate(v=Max("version"))["v"] or 0
    return TriageScript.objects.create(
        team=team,
        version=latest + 1,
        document=document,
        change_note=change_note,
        author=author,
    )


@transaction.atomic
def script_update_draft(*, script: TriageScript, document: dict, change_note: str | None = None):
    script = TriageScript.objects.select_for_update().get(pk=script.pk)
    if script.status != TriageScript.Status.DRAFT:
        raise ScriptLifecycleError(
            f"Version {script.version} is {script.get_status_display().lower()} and can no longer"
            " be edited; make a new version instead."
        )
    _engine_script(document)
    script.document = document
    fields = ["document", "validation_report"]
    script.validation_report = None
    if change_note is not None:
        script.change_note = change_note
        fields.append("change_note")
    script.save(update_fields=fields)
    return script


def script_approve(*, script: TriageScript, approver) -> TriageScript:
    with transaction.atomic():
        script = TriageScript.objects.select_for_update().get(pk=script.pk)
        if script.status != TriageScript.Status.DRAFT:
            raise ScriptLifecycleError("Only a draft can be approved.")
        if not approver.has_perm("accounts.approve_triage_script"):
            raise ScriptLifecycleError("You do not have permission to approve triage scripts.")
        if approver.pk == script.author_id:
            raise ScriptLifecycleError(
                "A script must be approved by someone other than its author."
            )
        report = validation_report(_engine_script(script.document))
        ok, explanation = passes_gate(report)
        # A refused approval still keeps its report, so the author sees what was missed.
        script.validation_report = {**report, "gate": explanation}
        fields = ["validation_report"]
        if ok:
            script.status = TriageScript.Status.APPROVED
            script.approved_by = approver
            script.approved_at = timezone.now()
            fields += ["status", "approved_by", "approved_at"]
        script.save(update_fields=fields)
    if not ok:
        raise ScriptLifecycleError(f"Approval refused. {explanation}")
    return script


@transaction.atomic
def script_activate(*, script: TriageScript) -> TriageScript:
    script = TriageScript.objects.select_for_update().get(pk=script.pk)
    if script.status == TriageScript.Status.ACTIVE:
        return script
    if script.status != TriageScript.Status.APPROVED:
        raise ScriptLifecycleError("Only an approved script can be activated.")
    now = timezone.now()
    TriageScript.objects.filter(team=script.team, status=TriageScript.Status.ACTIVE).update(
        status=TriageScript.Status.RETIRED, retired_at=now
    )
    script.status = TriageScript.Status.ACTIVE
    script.activated_at = now
    script.save(update_fields=["status", "activated_at"])
    return script


@transaction.atomic
def script_retire(*, script: TriageScript) -> TriageScript:
    script = TriageScript.objects.select_for_update().get(pk=script.pk)
    if script.status not in (TriageScript.Status.APPROVED, TriageScript.Status.ACTIVE):
        raise ScriptLifecycleError("Only an approved or active script can be retired.")
    script.status = TriageScript.Status.RETIRED
    script.retired_at = timezone.now()
    script.save(update_fields=["status", "retired_at"])
    return script


def script_diff(old: TriageScript | None, new: TriageScript) -> str:
    """A unified diff of the two documents, key by key, for reviewers."""

    def lines(script: TriageScript | None) -> list[str]:
        if script is None:
            return []
        return json.dumps(script.document, indent=2, sort_keys=True, ensure_ascii=False).split("\n")

    label = f"v{old.version}" if old else "(nothing)"
    return "\n".join(
        difflib.unified_diff(lines(old), lines(new), label, f"v{new.version}", lineterm="")
    )


def previous_version(script: TriageScript) -> TriageScript | None:
    return (
        TriageScript.objects.filter(team=script.team, version__lt=script.version)
        .order_by("-version")
        .first()
    )
