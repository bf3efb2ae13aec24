"""The triage script lifecycle: draft -> approved -> active -> retired.

Only drafts change. Approval needs the approver permission, someone other than the
author, and a validation run that meets the sensitivity threshold; a version built from
phrase rows also needs a validation run of its current content in which every phrase
example passes. Each team has at most one active script (a database constraint), and
so has the base; activating one retires the other. Approval, activation, retirement
and roll back are audit events (drafting and editing are, in triage/scripts/drafts.py).
"""

from __future__ import annotations

import difflib
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Team
from audit.models import AccessEvent
from audit.services import record_access
from triage import engine
from triage.engine.effective import content_hash
from triage.models import TriageScript
from triage.scripts.active import active_script
from triage.scripts.phrasebook import compiled, is_phrase_script
from triage.scripts.validation import passes_gate, validation_report


class ScriptLifecycleError(Exception):
    """A lifecycle step that is not allowed; the message says why, for the admin."""


def audit_step(script: TriageScript, step: str, actor=None, **details) -> None:
    """One audit event per lifecycle step, in the transaction of the change."""
    record_access(
        actor=actor,
        action=AccessEvent.Action.CREATE if step == "draft created" else AccessEvent.Action.UPDATE,
        object_type="triage.triagescript",
        object_id=script.pk,
        reason=f"triage script {step}",
        details={"label": script.label, "hash": script.content_hash[:12], "step": step, **details},
    )


def _engine_script(document: dict) -> engine.Script:
    try:
        engine.validate_document(document)
        return engine.Script.from_dict(document)
    except engine.ScriptError as exc:
        raise ScriptLifecycleError(f"The script document is not valid: {exc}") from exc


def _approved_content(script: TriageScript) -> engine.Script:
    if is_phrase_script(script):
        try:
            return compiled(script)  # the validation run compiled this very content
        except engine.ScriptError as exc:
            raise ScriptLifecycleError(f"The script document is not valid: {exc}") from exc
    return _engine_script(script.document)


@transaction.atomic
def script_create_draft(
    *, team: Team, document: dict, author, change_note: str = ""
) -> TriageScript:
    _engine_script(document)
    # Lock the team's scripts so two drafts never get the same version number.
    list(TriageScript.objects.select_for_update(of=("self",)).filter(team=team).values_list("pk"))
    latest = TriageScript.objects.filter(team=team).aggregate(v=Max("version"))["v"] or 0
    script = TriageScript.objects.create(
        team=team,
        version=latest + 1,
        document=document,
        content_hash=content_hash(document),
        change_note=change_note,
        author=author,
    )
    audit_step(script, "draft created", actor=author)
    return script


@transaction.atomic
def script_update_draft(*, script: TriageScript, document: dict, change_note: str | None = None):
    script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
    if script.status != TriageScript.Status.DRAFT:
        raise ScriptLifecycleError(
            f"Version {script.version} is {script.get_status_display().lower()} and can no longer"
            " be edited; make a new version instead."
        )
    _engine_script(document)
    script.document = document
    script.content_hash = content_hash(document)
    fields = ["document", "content_hash", "validation_report"]
    script.validation_report = None
    if change_note is not None:
        script.change_note = change_note
        fields.append("change_note")
    script.save(update_fields=fields)
    return script


def approval_blockers(script: TriageScript) -> list[str]:
    """Why a version built from phrase rows cannot be approved yet (empty: it can)."""
    if not is_phrase_script(script):
        return []
    run = script.validation_run
    if not run or run.get("content_hash") != script.content_hash:
        return ["Run the validation of this content first: approval reads its report."]
    problems = []
    if run.get("examples_failing"):
        failing = [e for e in run.get("examples", []) if not e["ok"]]
        named = "; ".join(
            f"{e['key']}: “{e['text']}” must {'' if e['must_match'] else 'not '}match"
            for e in failing[:5]
        )
        problems.append(f"{run['examples_failing']} phrase example(s) fail ({named}).")
    same = (
        TriageScript.objects.filter(team_id=script.team_id, status=TriageScript.Status.ACTIVE)
        .exclude(pk=script.pk)
        .filter(content_hash=script.content_hash)
        .exists()
    )
    if same:
        problems.append("This draft says exactly what the active version says: nothing to approve.")
    return problems


def script_approve(*, script: TriageScript, approver) -> TriageScript:
    with transaction.atomic():
        script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
        if script.status != TriageScript.Status.DRAFT:
            raise ScriptLifecycleError("Only a draft can be approved.")
        if not approver.has_perm("accounts.approve_triage_script"):
            raise ScriptLifecycleError("You do not have permission to approve triage scripts.")
        if approver.pk == script.author_id:
            raise ScriptLifecycleError(
                "A script must be approved by someone other than its author."
            )
        blockers = approval_blockers(script)
        report = validation_report(_approved_content(script))
        ok, explanation = passes_gate(report)
        ok = ok and not blockers
        explanation = " ".join([*blockers, explanation])
        # A refused approval still keeps its report, so the author sees what was missed.
        script.validation_report = {**report, "gate": explanation}
        fields = ["validation_report"]
        if ok:
            script.status = TriageScript.Status.APPROVED
            script.approved_by = approver
            script.approved_at = timezone.now()
            fields += ["status", "approved_by", "approved_at"]
        script.save(update_fields=fields)
        audit_step(script, "approved" if ok else "approval refused", actor=approver)
    if not ok:
        raise ScriptLifecycleError(f"Approval refused. {explanation}")
    return script


@transaction.atomic
def script_activate(*, script: TriageScript, actor=None) -> TriageScript:
    script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
    if script.status == TriageScript.Status.ACTIVE:
        return script
    if script.status != TriageScript.Status.APPROVED:
        raise ScriptLifecycleError("Only an approved script can be activated.")
    return _activate(script, actor, "activated")


def _activate(script: TriageScript, actor, step: str) -> TriageScript:
    now = timezone.now()
    for current in TriageScript.objects.select_for_update(of=("self",)).filter(
        team_id=script.team_id, status=TriageScript.Status.ACTIVE
    ):
        current.status, current.retired_at = TriageScript.Status.RETIRED, now
        current.save(update_fields=["status", "retired_at"])
        audit_step(current, "retired", actor=actor)
    script.status = TriageScript.Status.ACTIVE
    script.activated_at = now
    script.save(update_fields=["status", "activated_at"])
    audit_step(script, step, actor=actor)
    # Compile it now, in this process (the script is cached): the next patient's intake
    # need not.
    transaction.on_commit(lambda: active_script(script.team))
    return script


@transaction.atomic
def script_rollback(*, team: Team | None, actor=None) -> TriageScript | None:
    """Back to the version that was active before the current one, for ``team`` (None:
    the base). Returns the version now active; None when none is left (a team then
    uses the base, the base the shipped default)."""
    current = (
        TriageScript.objects.select_for_update(of=("self",))
        .filter(team_id=team.pk if team else None, status=TriageScript.Status.ACTIVE)
        .first()
    )
    if current is None:
        raise ScriptLifecycleError("No version is active: there is nothing to roll back.")
    previous = (
        TriageScript.objects.select_for_update(of=("self",))
        .filter(
            team_id=team.pk if team else None,
            status=TriageScript.Status.RETIRED,
            activated_at__isnull=False,
            activated_at__lt=current.activated_at,
        )
        .order_by("-activated_at")
        .first()
    )
    if previous is not None:
        return _activate(previous, actor, "rolled back to")
    current.status, current.retired_at = TriageScript.Status.RETIRED, timezone.now()
    current.save(update_fields=["status", "retired_at"])
    audit_step(current, "rolled back (none active now)", actor=actor)
    return None


@transaction.atomic
def script_retire(*, script: TriageScript, actor=None) -> TriageScript:
    script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
    if script.status not in (TriageScript.Status.APPROVED, TriageScript.Status.ACTIVE):
        raise ScriptLifecycleError("Only an approved or active script can be retired.")
    script.status = TriageScript.Status.RETIRED
    script.retired_at = timezone.now()
    script.save(update_fields=["status", "retired_at"])
    audit_step(script, "retired", actor=actor)
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
        TriageScript.objects.filter(team_id=script.team_id, version__lt=script.version)
        .order_by("-version")
        .first()
    )
