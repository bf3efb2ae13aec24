"""Editing a script as phrase rows: a new draft from the active version, phrases and
their examples, thresholds, the validation run and the shadow run's report. Every step
is an audit event written in the transaction of the change.

Approval, activation and roll back are in triage/scripts/services.py. The runs over the
clinic's live data (its labelled messages, its recent cases) read them in
governance/scripts.py and hand them here as plain rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.models import Team
from audit.models import AccessEvent
from audit.services import record_access
from triage.engine import ScriptError
from triage.engine.effective import content_hash, threshold_rules
from triage.engine.phrases import (
    IDIOM,
    PhraseError,
    PhraseSpec,
    check_pattern,
    lexicon_entry,
    phrase_key,
)
from triage.models import CrisisPhrase, TriageScript
from triage.scripts import phrasebook, validation_run
from triage.scripts.services import ScriptLifecycleError, audit_step
from triage.scripts.shadow import ShadowChange

PHRASE_FIELDS = ("kind", "language", "phrase", "pattern", "category", "subtype", "severity",
                 "whose_risk", "negatable", "hyperbole_prone", "examples", "note")  # fmt: skip


def _pk(team: Team | None):
    # team_id lookups: "team=None" would join, and FOR UPDATE refuses an outer join.
    return team.pk if team is not None else None


def active_version(team: Team | None) -> TriageScript | None:
    return TriageScript.objects.filter(team_id=_pk(team), status=TriageScript.Status.ACTIVE).first()


def _editable(script: TriageScript) -> TriageScript:
    script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
    if script.status != TriageScript.Status.DRAFT:
        raise ScriptLifecycleError(
            f"Version {script.version} is {script.get_status_display().lower()} and can no"
            " longer be edited: make a new draft from the active version."
        )
    if not phrasebook.is_phrase_script(script):
        raise ScriptLifecycleError("This version was pasted as a document: edit it in the admin.")
    return script


def _rebuild(script: TriageScript) -> TriageScript:
    """Recompute the effective document and its hash; an old validation run no longer
    describes it."""
    # Each part was checked as it was written (the frame is an approved document, each
    # phrase compiled alone): the whole is compiled by the validation run, not per edit.
    document = phrasebook.effective_document(script)
    script.document = document
    script.content_hash = content_hash(document)
    script.save(update_fields=["document", "content_hash"])
    return script


def _copy_rows(source: TriageScript, target: TriageScript) -> None:
    CrisisPhrase.objects.bulk_create(
        CrisisPhrase(
            script=target,
            key=row.key,
            position=row.position,
            removed=row.removed,
            **{f: getattr(row, f) for f in PHRASE_FIELDS},
        )
        for row in source.phrases.all()
    )


@transaction.atomic
def script_draft_from_active(*, team: Team | None, author) -> TriageScript:
    """A new draft: for the base, a copy of the active base; for a team, the team's own
    changes of its active version, built on the base that is active now (so every fix
    of the base reaches the team's next version)."""
    list(
        TriageScript.objects.select_for_update(of=("self",))
        .filter(team_id=_pk(team))
        .values_list("pk")
    )
    latest = TriageScript.objects.filter(team_id=_pk(team)).aggregate(v=Max("version"))["v"]
    number = (latest or 0) + 1
    base = active_version(None)
    if base is None:
        raise ScriptLifecycleError("No base version is active: activate one first.")
    current = active_version(team)
    if team is None:
        draft = TriageScript.objects.create(
            team=None, version=number, document=base.document, author=author, drafted_from=base
        )
        _copy_rows(base, draft)
    else:
        own = current if current is not None and current.base_id is not None else None
        draft = TriageScript.objects.create(
            team=team,
            version=number,
            document=base.document,
            author=author,
            base=base,
            drafted_from=current or base,
            threshold_overrides=dict(own.threshold_overrides) if own else {},
        )
        if own is not None:
            _copy_rows(own, draft)
    _rebuild(draft)
    audit_step(draft, "draft created", actor=author, drafted_from=draft.drafted_from.label)
    return draft


def _clean_examples(examples: Any) -> list[dict[str, Any]]:
    out = []
    for example in examples or []:
        text = str(example.get("text", "")).strip()
        if text:
            out.append({"text": text[:500], "match": bool(example.get("match", True))})
    return out


def _base_spec(script: TriageScript, key: str) -> PhraseSpec | None:
    if script.is_base:
        return None
    return next((s for s in phrasebook.effective_specs(script.base) if s.key == key), None)


@transaction.atomic
def phrase_save(
    *, script: TriageScript, actor, fields: Mapping[str, Any], key: str | None = None
) -> CrisisPhrase:
    """Add a phrase (no ``key``) or change one (a team's change of a base phrase is an
    override row). Raises PhraseError saying what is wrong; nothing is saved then."""
    script = _editable(script)
    data = {f: fields[f] for f in PHRASE_FIELDS if f in fields}
    data["examples"] = _clean_examples(data.get("examples"))
    if data.get("kind") == IDIOM:
        data.update(category="", subtype="", severity="", whose_risk="auto")
    if not any(e["match"] for e in data["examples"]):
        raise PhraseError("Give at least one example the phrase must match.")
    taken = {s.key for s in phrasebook.effective_specs(script)}
    if key is None:
        key = phrase_key(data["language"], data.get("category", ""), data.get("phrase", ""), taken)
    spec = PhraseSpec(
        key=key,
        **{k: v for k, v in data.items() if k != "examples"},
        examples=tuple(data["examples"]),
    )
    if spec.language not in script.document["lexicon"]["languages"]:
        raise PhraseError(f"The script has no language {spec.language!r}.")
    lexicon_entry(spec)  # category, severity, whose risk
    check_pattern(spec, phrasebook.spelling_of(script, spec.language))
    row = CrisisPhrase.objects.filter(script=script, key=key).first()
    step = "phrase changed"
    if row is None:
        position = (script.phrases.aggregate(p=Max("position"))["p"] or 0) + 1
        row = CrisisPhrase(script=script, key=key, position=position)
        step = "phrase changed" if _base_spec(script, key) else "phrase added"
    for name, value in data.items():
        setattr(row, name, value)
    row.removed = False
    row.updated_by = actor
    row.save()
    _rebuild(script)
    audit_step(script, step, actor=actor, phrase=key)
    return row


@transaction.atomic
def phrase_remove(*, script: TriageScript, key: str, actor) -> None:
    """Take a phrase out. In a team version a base phrase is removed by an override row."""
    script = _editable(script)
    base = _base_spec(script, key)
    row = CrisisPhrase.objects.filter(script=script, key=key).first()
    if base is None:
        if row is None:
            raise ScriptLifecycleError(f"No phrase {key} in this draft.")
        row.delete()
    else:
        row = row or CrisisPhrase(script=script, key=key, language=base.language, kind=base.kind)
        row.removed, row.updated_by = True, actor
        row.save()
    _rebuild(script)
    audit_step(script, "phrase removed", actor=actor, phrase=key)


@transaction.atomic
def phrase_restore(*, script: TriageScript, key: str, actor) -> None:
    """A team's changed or removed base phrase goes back to the base's wording."""
    script = _editable(script)
    if script.is_base or _base_spec(script, key) is None:
        raise ScriptLifecycleError("Only a phrase of the base can be restored to it.")
    CrisisPhrase.objects.filter(script=script, key=key).delete()
    _rebuild(script)
    audit_step(script, "phrase restored to the base", actor=actor, phrase=key)


@transaction.atomic
def thresholds_save(*, script: TriageScript, values: Mapping[str, int], actor) -> TriageScript:
    """A team's changed thresholds (a value equal to the base's is no change)."""
    script = _editable(script)
    if script.is_base:
        raise ScriptLifecycleError("The base's thresholds are part of its document.")
    known = threshold_rules(script.base.document)
    changed = {}
    for rule_id, value in values.items():
        if rule_id not in known:
            raise ScriptLifecycleError(f"No threshold named {rule_id}.")
        if value != known[rule_id][1]:
            changed[rule_id] = int(value)
    script.threshold_overrides = changed
    script.save(update_fields=["threshold_overrides"])
    _rebuild(script)
    audit_step(script, "thresholds changed", actor=actor, thresholds=changed)
    return script


def script_validate(
    *, script: TriageScript, actor, clinic_rows: list[dict[str, Any]] | None = None
) -> TriageScript:
    """Run the draft over every evaluation set, every phrase example and ``clinic_rows``
    (the clinic's labelled messages, de-identified: governance.scripts.script_validate
    reads them); store the report for this content."""
    script = TriageScript.objects.select_related("base", "team").get(pk=script.pk)
    compared = phrasebook.compared_with(script)
    changes = phrasebook.phrase_diff(compared, script)
    try:
        candidate = phrasebook.compiled(script)
    except ScriptError as exc:
        raise ScriptLifecycleError(f"The script would not be valid: {exc}") from exc
    report = validation_run.run(
        draft=candidate,
        draft_hash=script.content_hash,
        active=(lambda: phrasebook.compiled(compared)) if compared else None,
        active_hash=compared.content_hash if compared else "",
        specs=phrasebook.effective_specs(script),
        changed_keys={c.key for c in changes if c.after is not None},
        clinic_rows=clinic_rows,
    )
    report["compared_with"] = compared.label if compared else ""
    with transaction.atomic():
        script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
        if script.content_hash != report["content_hash"]:
            raise ScriptLifecycleError("The draft changed during the run: run it again.")
        script.validation_run = report
        script.save(update_fields=["validation_run"])
        if clinic_rows:
            # The clinic's labelled messages are patients' words (de-identified): read.
            record_access(
                actor=actor,
                action=AccessEvent.Action.LIST,
                object_type="triage.crisissignal",
                reason="triage script validation on the clinic's labelled messages",
                details={"rows": len(clinic_rows), "script": script.label},
            )
        audit_step(
            script,
            "validated",
            actor=actor,
            examples_failing=report["examples_failing"],
            sets=len(report["sets"]),
        )
    return script


def script_shadow_save(
    *, script: TriageScript, days: int, count: int, changes: Sequence[ShadowChange], actor
) -> TriageScript:
    """Keep a shadow run's result (``count`` cases of the last ``days`` days re-triaged,
    the ``changes``: governance.scripts.script_shadow runs it) for this content."""
    report = {
        "days": days,
        "cases": count,
        "content_hash": script.content_hash,
        "changes": [c.__dict__ for c in changes],
    }
    with transaction.atomic():
        script = TriageScript.objects.select_for_update(of=("self",)).get(pk=script.pk)
        script.shadow_report = report
        script.save(update_fields=["shadow_report"])
        # Re-triaging reads the intakes' answers and words (by the machine): audited.
        audit_step(
            script, "shadow run", actor=actor, days=days, cases=count, would_change=len(changes)
        )
    return script
