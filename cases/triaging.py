"""Running the triage engine on a case and keeping what it said: results, signals, scans.

The plumbing shared by the intake's submission, the scan of record and the patient
message scans. It writes the engine's records (``TriageResult``, ``CrisisSignal``,
``CrisisScan``) and raises pages; the case's own state (acuity, status, claim, crisis
flag) is written only by ``cases.services``.

``intake_facts`` reads the intake handed to it (``case.intake``, or the intake being
submitted) and imports nothing of the intake app, which sits above cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cases.models import Case, CaseEvent, CrisisScan, CrisisSignal, TriageResult
from paging import services as paging_services
from triage import engine
from triage.crisis_models.active import active_model
from triage.engine.crisis_model import concern_level
from triage.models import TriageScript

if TYPE_CHECKING:
    from intake.models import Intake


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
    paging_services.page_raise(case=case, signals=signals, reason="crisis", source_keys=source_keys)


def record_triage(
    *,
    case: Case,
    source_id: str,
    decision: engine.TriageDecision,
    record: TriageScript | None,
    version: str,
) -> list[CrisisSignal]:
    """Keep one inline triage of an intake (``source_id``): result, timeline, new
    signals and both scan readings. Returns the signals that were new."""
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
        source_id=source_id,
        version=version,
    )
    store_scan(
        case=case,
        decision=decision,
        source=CrisisScan.Source.INTAKE,
        source_id=source_id,
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
