"""The crisis model lifecycle: draft -> validated -> approved -> active -> retired.

Every step writes an audit event in its own transaction. Approval needs the
``triage.approve_crisismodel`` permission (clinicians and supervisors), someone other
than the author, and a validation report that meets the floors (``floors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from triage import engine
from triage.crisis_models import active, corpus
from triage.crisis_models.report import evaluate_rows, reliability_png
from triage.models import CrisisModel as Record

# The floors of issue 14, checked at approval and by the CI guard.
FLOORS = {
    "blind_test": {"sensitivity": 0.95, "specificity": 0.90},
    "older_blind_sets": {"sensitivity": 0.85, "specificity": 0.85},
    "max_ece": 0.05,
    "max_language_gap": 0.05,  # Spanish sensitivity at most 5 points under English
}


class CrisisModelLifecycleError(Exception):
    """A step that is not allowed; the message says why, for the admin."""


def _audit(record: Record, action: str, step: str, actor=None, **details: Any) -> None:
    record_access(
        actor=actor,
        action=action,
        object_type="triage.crisismodel",
        object_id=record.version,
        reason=f"crisis model {step}",
        details={"number": record.number, "step": step, **details},
    )


def load(record: Record) -> engine.CrisisModel:
    try:
        return engine.CrisisModel.from_bytes(bytes(record.artifact))
    except engine.CrisisModelError as exc:
        raise CrisisModelLifecycleError(f"The artifact cannot be loaded: {exc}") from exc


@transaction.atomic
def crisis_model_create_draft(*, artifact: bytes, author=None, note: str = "") -> Record:
    try:
        model = engine.CrisisModel.from_bytes(artifact)
    except engine.CrisisModelError as exc:
        raise CrisisModelLifecycleError(f"The artifact cannot be loaded: {exc}") from exc
    existing = Record.objects.filter(version=model.version).first()
    if existing is not None:
        return existing  # the same content is the same version
    number = (Record.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
    record = Record.objects.create(
        number=number,
        version=model.version,
        artifact=artifact,
        threshold=model.threshold,
        training_note=note,
        author=author,
    )
    _audit(record, AccessEvent.Action.CREATE, "draft created", actor=author)
    return record


def floors(report: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Whether a validation report meets the floors, and each shortfall in words."""
    problems = []
    blind = report["blind_test"]
    want = FLOORS["blind_test"]
    for language in ("en", "es"):
        figures = blind["by_language"].get(language)
        if figures is None:
            problems.append(f"The blind test has no {language} rows.")
            continue
        for measure in ("sensitivity", "specificity"):
            if (figures[measure] or 0) < want[measure]:
                problems.append(
                    f"{measure.capitalize()} in {language} is {figures[measure]:.3f},"
                    f" under {want[measure]:.2f}."
                )
    if blind["model"]["ece"] is not None and blind["model"]["ece"] > FLOORS["max_ece"]:
        problems.append(
            f"Calibration error is {blind['model']['ece']:.3f}, over {FLOORS['max_ece']:.2f}."
        )
    en, es = (blind["by_language"].get(k, {}).get("sensitivity") for k in ("en", "es"))
    if en is not None and es is not None and en - es > FLOORS["max_language_gap"]:
        problems.append(
            f"Spanish sensitivity ({es:.3f}) is over 5 points under English ({en:.3f})."
        )
    want = FLOORS["older_blind_sets"]
    for name, figures in report.get("older_blind_sets", {}).items():
        for measure in ("sensitivity", "specificity"):
            if (figures[measure] or 0) < want[measure]:
                problems.append(
                    f"{measure.capitalize()} on {name} is {figures[measure]:.3f},"
                    f" under {want[measure]:.2f}."
                )
    return not problems, problems


def validation_report(
    model: engine.CrisisModel,
    blind_rows: list[dict[str, Any]] | None = None,
    older_sets: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The model on the blind test (whole figures) and the older blind sets (summary).

    By default the project's blind test and its two older blind sets; a clinic (or a
    test) can pass its own labelled rows.
    """
    if blind_rows is None:
        blind_rows = corpus.load_split("test")
    if older_sets is None:
        older_sets = {path.stem: engine.load_cases(path) for path in corpus.BLIND_SETS}
    blind = evaluate_rows(blind_rows, model)
    older = {}
    for name, rows in older_sets.items():
        figures = evaluate_rows(rows, model)
        older[name] = {k: figures[k] for k in ("n", "sensitivity", "specificity", "auc")}
    report = {"blind_test": blind, "older_blind_sets": older}
    ok, problems = floors(report)
    return {**report, "meets_floors": ok, "problems": problems}


def crisis_model_validate(*, record: Record, actor=None, **rows: Any) -> Record:
    """Store the validation report and its reliability plot (``rows``: see
    ``validation_report``)."""
    model = load(record)
    report = validation_report(model, **rows)
    png = reliability_png(report["blind_test"], f"{record.label}: blind test")
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        record.validation_report = report
        record.reliability_png = png
        record.save(update_fields=["validation_report", "reliability_png"])
        _audit(
            record,
            AccessEvent.Action.UPDATE,
            "validated",
            actor=actor,
            meets=report["meets_floors"],
        )
    return record


def crisis_model_approve(*, record: Record, approver) -> Record:
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.status != Record.Status.DRAFT:
            raise CrisisModelLifecycleError("Only a draft can be approved.")
        if not approver.has_perm("triage.approve_crisismodel"):
            raise CrisisModelLifecycleError("You do not have permission to approve crisis models.")
        if record.author_id is not None and approver.pk == record.author_id:
            raise CrisisModelLifecycleError(
                "A model must be approved by someone other than its author."
            )
        report = record.validation_report
        if not report:
            raise CrisisModelLifecycleError("Validate the model first: approval needs its report.")
        if not report.get("meets_floors"):
            raise CrisisModelLifecycleError(
                "Approval refused. " + " ".join(report.get("problems", []))
            )
        record.status = Record.Status.APPROVED
        record.approved_by = approver
        record.approved_at = timezone.now()
        record.save(update_fields=["status", "approved_by", "approved_at"])
        _audit(record, AccessEvent.Action.UPDATE, "approved", actor=approver)
    return record


def _activate(record: Record, actor, step: str) -> Record:
    now = timezone.now()
    for current in Record.objects.select_for_update().filter(status=Record.Status.ACTIVE):
        current.status, current.retired_at = Record.Status.RETIRED, now
        current.save(update_fields=["status", "retired_at"])
        _audit(current, AccessEvent.Action.UPDATE, "retired", actor=actor)
    record.status, record.activated_at = Record.Status.ACTIVE, now
    record.save(update_fields=["status", "activated_at"])
    _audit(record, AccessEvent.Action.UPDATE, step, actor=actor)
    transaction.on_commit(active.reset)
    return record


@transaction.atomic
def crisis_model_activate(*, record: Record, actor=None) -> Record:
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.status == Record.Status.ACTIVE:
        return record
    if record.status != Record.Status.APPROVED:
        raise CrisisModelLifecycleError("Only an approved model can be activated.")
    return _activate(record, actor, "activated")


@transaction.atomic
def crisis_model_rollback(*, actor=None) -> Record | None:
    """Back to the model that was active before this one (the shipped one if none).

    Returns the model now active (None: the shipped model).
    """
    current = Record.objects.select_for_update().filter(status=Record.Status.ACTIVE).first()
    if current is None:
        raise CrisisModelLifecycleError("No model is active: the shipped model is in use already.")
    previous = (
        Record.objects.select_for_update()
        .filter(status=Record.Status.RETIRED, activated_at__lt=current.activated_at)
        .order_by("-activated_at")
        .first()
    )
    if previous is not None:
        return _activate(previous, actor, "rolled back to")
    current.status, current.retired_at = Record.Status.RETIRED, timezone.now()
    current.save(update_fields=["status", "retired_at"])
    _audit(current, AccessEvent.Action.UPDATE, "rolled back to the shipped model", actor=actor)
    transaction.on_commit(active.reset)
    return None


def crisis_model_shadow_texts(
    *, record: Record, texts: Iterable[str], days: int, actor=None
) -> Record:
    """Read ``texts`` (the last ``days`` of patients' words, read by
    governance/crisis_models.py) with this model and the model in use; store how many
    would have been flagged differently (lexicon OR model). The reading is audited."""
    candidate = load(record)
    _, current = active.active_model()
    script = engine.default_script()
    counts = {"texts": 0, "newly_flagged": 0, "no_longer_flagged": 0, "flagged_by_both": 0}
    for text in texts:
        signals = engine.scan(text, script)
        matches = [(s.start, s.end) for s in signals]
        before = engine.crisis_decision(
            bool(signals), current.score(text, explain=False, matches=matches) if current else None
        )
        after = engine.crisis_decision(
            bool(signals), candidate.score(text, explain=False, matches=matches)
        )
        counts["texts"] += 1
        counts["newly_flagged"] += after and not before
        counts["no_longer_flagged"] += before and not after
        counts["flagged_by_both"] += before and after
    report = {
        **counts,
        "days": days,
        "compared_with": current.version if current else "lexicon only",
        "run_at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        record.shadow_report = report
        record.save(update_fields=["shadow_report"])
        _audit(record, AccessEvent.Action.UPDATE, "shadow run", actor=actor, **counts)
    return record


__all__ = [
    "FLOORS",
    "CrisisModelLifecycleError",
    "crisis_model_activate",
    "crisis_model_approve",
    "crisis_model_create_draft",
    "crisis_model_rollback",
    "crisis_model_shadow_texts",
    "crisis_model_validate",
    "floors",
    "validation_report",
]
