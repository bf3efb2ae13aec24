"""Opening a case from an intake: the intake's answers triaged, its case opened, a page
raised on a crisis, the scan of record enqueued.

The intake orchestrates (it reads its answers into engine facts and locks its own
rows); the case's rows are written by ``cases.services`` and ``cases.triaging``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cases import selectors, services
from cases.models import Case
from cases.tasks import scan_case_of_record
from cases.triaging import intake_facts, raise_page, record_triage, run_engine
from intake.models import Intake
from lib.enqueue import enqueue
from triage import engine
from triage.scripts.active import active_script, version_label

DRAFT_CRISIS = "Crisis during intake, not sent"
# The intake steps scanned as soon as they are saved: the free text, and the ASQ's
# question about thoughts of suicide right now.
DRAFT_SCANNED_STEPS = ("reason", "asq_now")


@dataclass(frozen=True)
class CaseOpening:
    case: Case
    decision: engine.TriageDecision

    @property
    def crisis(self) -> bool:
        return self.decision.crisis


def source_keys_of(intake: Intake, request_keys: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The request's keys (hashed address, device) and the contact details' blind index."""
    contact = (("phone", intake.phone_index), ("email", intake.email_index))
    return (*request_keys, *(f"{kind}:{index}" for kind, index in contact if index))


@transaction.atomic
def case_open_from_intake(*, intake: Intake, source_keys: tuple[str, ...] = ()) -> CaseOpening:
    """Triage a submitted intake inline, open its case, and page on any crisis signal.

    Runs synchronously in the patient's request so the crisis page needs no wait; the
    Celery scan of record re-runs the engine after commit and adds anything new. An
    intake whose case was opened at a crisis during the intake joins that case: it is
    triaged again with every answer, and never pages a second time. ``source_keys``:
    the request's hashed address and device (see ``cases.triaging.raise_page``).
    """
    record, script = active_script(intake.team)
    version = version_label(record, script)
    decision = run_engine(intake_facts(intake), script)
    case = selectors.case_of_intake(intake=intake, lock=True)
    joined = case is not None
    if case is None:
        case = services.case_open(intake=intake, decision=decision, summary="Intake submitted")
    else:
        services.case_add_submission(case=case, decision=decision, version=version)
    signals = record_triage(
        case=case, source_id=str(intake.pk), decision=decision, record=record, version=version
    )
    if decision.crisis and not (joined and selectors.case_is_paged(case)):
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
    case = selectors.case_of_intake(intake=intake, lock=True)
    if case is None:
        case = services.case_open(intake=intake, decision=decision, summary=DRAFT_CRISIS)
    else:
        services.case_escalate(case=case, acuity=decision.acuity, crisis=True, version=version)
    signals = record_triage(
        case=case, source_id=str(intake.pk), decision=decision, record=record, version=version
    )
    if not selectors.case_is_paged(case):
        raise_page(case=case, signals=signals, source_keys=source_keys_of(intake, source_keys))
    return CaseOpening(case=case, decision=decision)


def _enqueue_scan(case_id) -> None:
    # Broker down: the case is stored; the beat sweep scans it.
    enqueue(scan_case_of_record, str(case_id))
