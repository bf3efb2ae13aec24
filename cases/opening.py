"""Turning a submitted intake into a triaged case: the one write path for it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CrisisScan, CrisisSignal, TriageResult
from cases.targets import due_at
from intake.models import Intake
from paging.services import page_raise
from triage import engine
from triage.crisis_models.active import active_model
from triage.engine.crisis_model import concern_level
from triage.models import Acuity, TriageScript
from triage.scripts.active import active_script, version_label

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseOpening:
    case: Case
    decision: engine.TriageDecision

    @property
    def crisis(self) -> bool:
        return self.decision.crisis


def _yes_no(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value  # "yes", "no" or "refused"
    return "yes" if value else "no"


def intake_facts(intake: Intake) -> engine.IntakeFacts:
    """The engine's plain-data view of an intake (answers as the intake form stores them)."""
    answers = intake.answers or {}
    asq = answers.get("asq") or {}
    cssrs = answers.get("cssrs") or {}
    return engine.IntakeFacts(
        phq9=answers.get("phq9") or None,
        phq9_difficulty=answers.get("phq9_difficulty"),
        gad7=answers.get("gad7") or None,
        asq=[_yes_no(asq.get(f"q{n}")) for n in range(1, 6)] if asq else None,
        cssrs=[cssrs.get(f"q{n}") for n in range(1, 7)] if cssrs else None,
        free_text=(intake.reason,) if intake.reason else (),
        language=intake.language,
    )


def screener_summary(decision: engine.TriageDecision) -> dict:
    return {
        r.screener: {
            "total": r.total,
            "band": r.band,
            "label": r.label,
            "flags": list(r.flags),
            "difficulty": r.difficulty,
        }
        for r in decision.screeners
    }


def store_result(
    *,
    case: Case,
    decision: engine.TriageDecision,
    record: TriageScript | None,
    version: str,
    source: str,
) -> TriageResult:
    """Keep one run of the engine on the case: acuity, reasons, screeners, script version."""
    return TriageResult.objects.create(
        case=case,
        script=record,
        script_version=version,
        source=source,
        acuity=decision.acuity,
        crisis=decision.crisis,
        reasons=[{"rule_id": r.rule_id, "text": r.text} for r in decision.reasons],
        screeners=screener_summary(decision),
    )


MODEL_SIGNAL_CATEGORY = "model_concern"


def run_engine(facts: engine.IntakeFacts, script: engine.Script) -> engine.TriageDecision:
    """The engine with the active crisis model beside the lexicon (lexicon alone if the
    model cannot be loaded: see triage.crisis_models.active)."""
    _, model = active_model()
    return engine.triage(facts, script, model)


def store_scan(
    *, case: Case, decision: engine.TriageDecision, source: str, source_id: str, scan: str
) -> list[CrisisScan]:
    """Keep what the lexicon and the model each said about every free text."""
    rows = []
    for signals, score in zip(
        decision.signals_by_text,
        decision.model_by_text or (None,) * len(decision.signals_by_text),
        strict=True,
    ):
        rows.append(
            CrisisScan(
                case=case,
                source=source,
                source_id=source_id,
                scan=scan,
                lexicon_rule_ids=sorted({s.rule_id for s in signals}),
                model_version=score.version if score else "",
                model_probability=score.probability if score else None,
                model_threshold=score.threshold if score else None,
                crisis=engine.crisis_decision(bool(signals), score),
            )
        )
    return CrisisScan.objects.bulk_create(rows)


def _model_signals(case: Case, decision: engine.TriageDecision, source: str, source_id: str):
    """The phrases behind a model flag, stored as signals so the nurse sees and reviews
    them like lexicon signals (and the review becomes labelled data)."""
    for score in decision.model_by_text:
        if score is None or not score.flagged:
            continue
        level = concern_level(score.probability, score.threshold)
        for phrase in score.phrases or (None,):
            yield CrisisSignal.objects.get_or_create(
                case=case,
                source=source,
                source_id=source_id,
                rule_id="model.concern",
                span_start=phrase.start if phrase else None,
                defaults={
                    "category": MODEL_SIGNAL_CATEGORY,
                    "subtype": f"{score.probability:.2f}",
                    "severity": level,
                    "subject": "self",
                    "span_end": phrase.end if phrase else None,
                    "matched": phrase.text if phrase else "",
                    "script_version": score.version,
                },
            )


def store_signals(
    *, case: Case, decision: engine.TriageDecision, source: str, source_id: str, version: str
) -> list[CrisisSignal]:
    """Save the decision's signals once each (the inline run and the scan of record agree)."""
    stored = []
    for signal in decision.signals:
        row, created = CrisisSignal.objects.get_or_create(
            case=case,
            source=source,
            source_id=source_id,
            rule_id=signal.rule_id,
            span_start=signal.start,
            defaults={
                "category": signal.category,
                "subtype": signal.subtype or "",
                "severity": signal.severity,
                "subject": signal.subject,
                "span_end": signal.end,
                "matched": signal.matched,
                "script_version": version,
            },
        )
        if created:
            stored.append(row)
    stored += [row for row, created in _model_signals(case, decision, source, source_id) if created]
    # Screener answers that are crisis signals (PHQ-9 item 9, a positive ASQ, ...).
    screener_reasons = [
        r for r in decision.reasons if r.crisis and not r.rule_id.startswith(("text.", "model."))
    ]
    for reason in screener_reasons:
        row, created = CrisisSignal.objects.get_or_create(
            case=case,
            source=CrisisSignal.Source.SCREENER,
            source_id=source_id,
            rule_id=reason.rule_id,
            span_start=None,
            defaults={
                "category": "suicide",
                "severity": "high",
                "subject": "self",
                "matched": reason.text,
                "script_version": version,
            },
        )
        if created:
            stored.append(row)
    return stored


def raise_page(
    *, case: Case, signals: list[CrisisSignal], source_keys: tuple[str, ...] = ()
) -> None:
    """Hand the crisis to a person: the page row commits with the case (paging app).

    ``source_keys`` say where a new crisis case came from, so a flood from one source
    shares one page (``paging.services.grouping``).
    """
    page_raise(case=case, signals=signals, reason="crisis", source_keys=source_keys)


def source_keys_of(intake: Intake, request_keys: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The request's keys (hashed address, device) and the contact details' blind index."""
    contact = (("phone", intake.phone_index), ("email", intake.email_index))
    return (*request_keys, *(f"{kind}:{index}" for kind, index in contact if index))


def _paged(case: Case) -> bool:
    """The case raised a page, or was grouped onto another case's page."""
    return case.pages.exists() or case.grouped_pages.exists()


DRAFT_CRISIS = "Crisis during intake, not sent"
# The intake steps scanned as soon as they are saved: the free text, and the ASQ's
# question about thoughts of suicide right now.
DRAFT_SCANNED_STEPS = ("reason", "asq_now")


def escalate(
    *,
    case: Case,
    acuity: str,
    crisis: bool,
    version: str,
    since: datetime | None = None,
    source: str = "scan",
) -> None:
    """Raise a case's acuity or crisis flag from a later scan; never lower it.

    The raised acuity's target counts from ``since`` (a patient message's time: a
    crisis written days after the intake gets its own timer), else from the opening.
    ``source`` names what raised it on the timeline ("callback": a patient asked to
    talk to a person, and ``version`` then names the team's rule).
    """
    fields = []
    if crisis and not case.crisis:
        case.crisis = True
        fields.append("crisis")
    rank = Acuity.rank(acuity)
    if rank < case.acuity_rank:
        case.acuity, case.acuity_rank = acuity, rank
        start = since or case.opened_at
        target = due_at(acuity, start)
        # A raise never moves a deadline still running later; one already missed when
        # the new clock starts is not the new acuity's deadline.
        if not start < case.due_at < target:
            case.due_at = target
        fields += ["acuity", "acuity_rank", "due_at"]
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.TRIAGED,
            summary=f"Acuity raised to {acuity} by {version}",
            data={"acuity": acuity, "script_version": version, "source": source},
        )
    if fields:
        case.save(update_fields=fields)


def _new_case(intake: Intake, decision: engine.TriageDecision, summary: str) -> Case:
    now = timezone.now()
    case = Case.objects.create(
        intake=intake,
        reference=intake.reference,
        team=intake.team,
        acuity=decision.acuity,
        acuity_rank=Acuity.rank(decision.acuity),
        triage_acuity=decision.acuity,
        crisis=decision.crisis,
        opened_at=now,
        due_at=due_at(decision.acuity, now),
        needs_follow_up=bool(decision.advice_requests),
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INTAKE_SUBMITTED, summary=summary)
    return case


def _record_triage(
    *, case: Case, intake: Intake, decision: engine.TriageDecision, record, version: str
) -> list[CrisisSignal]:
    """Keep one inline triage: result, timeline, new signals and both scan readings."""
    store_result(
        case=case,
        decision=decision,
        record=record,
        version=version,
        source=TriageResult.Source.INTAKE,
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.TRIAGED,
        summary=f"Triaged {decision.acuity} by {version}",
        data={"acuity": decision.acuity, "script_version": version, "source": "intake"},
    )
    signals = store_signals(
        case=case,
        decision=decision,
        source=CrisisSignal.Source.INTAKE_TEXT,
        source_id=str(intake.pk),
        version=version,
    )
    store_scan(
        case=case,
        decision=decision,
        source=CrisisScan.Source.INTAKE,
        source_id=str(intake.pk),
        scan="inline",
    )
    if signals:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.SIGNAL,
            summary=f"{len(signals)} crisis signal(s)",
            data={"rule_ids": [s.rule_id for s in signals]},
        )
    return signals


@transaction.atomic
def case_open_from_intake(*, intake: Intake, source_keys: tuple[str, ...] = ()) -> CaseOpening:
    """Triage a submitted intake inline, open its case, and page on any crisis signal.

    Runs synchronously in the patient's request so the crisis page needs no wait; the
    Celery scan of record re-runs the engine after commit and adds anything new. An
    intake whose case was opened at a crisis during the intake joins that case: it is
    triaged again with every answer, and never pages a second time. ``source_keys``:
    the request's hashed address and device (see ``raise_page``).
    """
    record, script = active_script(intake.team)
    version = version_label(record, script)
    decision = run_engine(intake_facts(intake), script)
    case = Case.objects.select_for_update().filter(intake=intake).first()
    joined = case is not None
    if case is None:
        case = _new_case(intake, decision, "Intake submitted")
    else:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.INTAKE_SUBMITTED,
            summary="Intake submitted (its case was opened at a crisis during the intake)",
        )
        escalate(case=case, acuity=decision.acuity, crisis=decision.crisis, version=version)
        if decision.advice_requests and not case.needs_follow_up:
            case.needs_follow_up = True
            case.save(update_fields=["needs_follow_up"])
    signals = _record_triage(
        case=case, intake=intake, decision=decision, record=record, version=version
    )
    if decision.crisis and not (joined and _paged(case)):
        raise_page(case=case, signals=signals, source_keys=source_keys_of(intake, source_keys))
    transaction.on_commit(lambda: _enqueue_scan(case.pk))
    return CaseOpening(case=case, decision=decision)


def _step_facts(intake: Intake, step: str) -> engine.IntakeFacts:
    if step == "reason":
        return engine.IntakeFacts(
            free_text=(intake.reason,) if intake.reason else (), language=intake.language
        )
    return engine.IntakeFacts(asq=intake_facts(intake).asq, language=intake.language)


@transaction.atomic
def case_open_from_draft(
    *, intake: Intake, step: str, source_keys: tuple[str, ...] = ()
) -> CaseOpening | None:
    """Scan what the patient just saved in an unsent intake; on a crisis, open its case
    and page the on-call nurse now, whether or not the intake is ever sent.

    ``step`` is one of DRAFT_SCANNED_STEPS. Returns None when there is no crisis. A
    second crisis in the same draft joins the case and its page.
    """
    record, script = active_script(intake.team)
    version = version_label(record, script)
    decision = run_engine(_step_facts(intake, step), script)
    asq = decision.screener("asq")
    # The ASQ page pages only for its acute question (thoughts of suicide right now): a
    # non-acute positive is an urgent case to be triaged when the intake is sent.
    acute = asq is not None and asq.band == "acute_positive"
    if not (decision.crisis if step == "reason" else acute):
        return None
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    case = Case.objects.select_for_update().filter(intake=intake).first()
    if case is None:
        case = _new_case(intake, decision, DRAFT_CRISIS)
    else:
        escalate(case=case, acuity=decision.acuity, crisis=True, version=version)
    signals = _record_triage(
        case=case, intake=intake, decision=decision, record=record, version=version
    )
    if not _paged(case):
        raise_page(case=case, signals=signals, source_keys=source_keys_of(intake, source_keys))
    return CaseOpening(case=case, decision=decision)


def _enqueue_scan(case_id) -> None:
    from cases.tasks import scan_case_of_record

    try:
        scan_case_of_record.delay(str(case_id))
    except Exception:  # broker down: the case is stored; the sweep scans it later
        logger.warning("Could not enqueue the scan of record; the sweep will retry it.")
