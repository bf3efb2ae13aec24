"""The scan of record: the worker re-runs the engine on a case and stores what it finds."""

from __future__ import annotations

import logging

from django.db import transaction

from cases.models import Case, CaseEvent, CrisisScan, CrisisSignal, TriageResult
from cases.services import case_escalate
from cases.triaging import (
    intake_facts,
    raise_page,
    run_engine,
    store_result,
    store_scan,
    store_signals,
)
from triage.scripts.active import active_script, version_label

logger = logging.getLogger(__name__)


@transaction.atomic
def case_scan_of_record(*, case_id) -> TriageResult | None:
    """Idempotent: a case scanned once is not scanned again (redelivery is harmless)."""
    case = Case.objects.select_for_update().select_related("intake", "team").get(pk=case_id)
    existing = case.triage_results.filter(source=TriageResult.Source.SCAN_OF_RECORD).first()
    if existing is not None:
        return existing
    if case.intake.status == case.intake.Status.DRAFT:
        return None  # opened at a crisis during the intake: scanned once it is sent
    record, script = active_script(case.team)
    version = version_label(record, script)
    decision = run_engine(intake_facts(case.intake), script)
    result = store_result(
        case=case,
        decision=decision,
        record=record,
        version=version,
        source=TriageResult.Source.SCAN_OF_RECORD,
    )
    new_signals = store_signals(
        case=case,
        decision=decision,
        source=CrisisSignal.Source.INTAKE_TEXT,
        source_id=str(case.intake_id),
        version=version,
    )
    store_scan(
        case=case,
        decision=decision,
        source=CrisisScan.Source.INTAKE,
        source_id=str(case.intake_id),
        scan="record",
    )
    if new_signals:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.SIGNAL,
            summary=f"{len(new_signals)} new crisis signal(s) from the scan of record",
            data={"rule_ids": [s.rule_id for s in new_signals]},
        )
    case_escalate(case=case, acuity=decision.acuity, crisis=decision.crisis, version=version)
    if decision.crisis and new_signals:
        raise_page(case=case, signals=new_signals)
    return result
