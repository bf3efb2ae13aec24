"""The de-identified analytics export: one CSV row per case, no PHI.

A pipeline apart from the identifiable ones (FHIR, the status-link export): it reads
only coded fields, turns every timestamp into seconds after submission, keeps the ISO
week of submission as the only date and replaces the case id with an HMAC under a
salt that lives only as long as one export, so two exports cannot be joined. The
Safe Harbor reasoning is in docs/OPERATIONS.md ("Analytics export").
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import secrets
from pathlib import Path

from django.db.models import Exists, Min, OuterRef, Prefetch, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from cases.models import Case, CaseEvent, CrisisScan, CrisisSignal, TriageResult
from paging.models import Page, PageCase

SCREENERS = ("phq9", "gad7", "asq", "cssrs")
MODEL_RULE_ID = "model.concern"

COLUMNS = [
    "case_key", "team", "submitted_period", "engine_acuity", "final_acuity", "crisis",
    "crisis_sources", "script_version", "model_version", "model_max_probability",
    "first_notified_s", "acknowledged_s", "first_contact_s", "closed_s", "page_grouped",
    *(f"{name}_total" for name in SCREENERS),
    "status", "disposition", "last_contact_outcome", "age_band", "language", "gender",
]  # fmt: skip


# Everything the export reads from a case and its intake: never a PHI column.
_READ = [
    "id", "team__slug", "acuity", "triage_acuity", "crisis", "status", "disposition",
    "opened_at", "closed_at", "intake__submitted_at", "intake__age_band",
    "intake__language", "intake__gender",
]  # fmt: skip


def new_salt() -> bytes:
    """A fresh random key for one export. Never stored or printed: without it the case
    keys of two exports cannot be matched to each other or back to a case."""
    return secrets.token_bytes(32)


def case_key(salt: bytes, case_id) -> str:
    return hmac.new(salt, str(case_id).encode(), hashlib.sha256).hexdigest()


def iso_week(moment: dt.datetime) -> str:
    year, week, _ = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


def iso_year(moment: dt.datetime) -> str:
    # The ISO year, so a case in 2027-W01 that began on 2026-12-28 stays in 2027 either way.
    return str(timezone.localtime(moment).isocalendar()[0])


PERIODS = {"week": iso_week, "year": iso_year}


def _seconds(start: dt.datetime, end: dt.datetime | None) -> int | str:
    return "" if end is None else int((end - start).total_seconds())


def _crisis_source(signal: CrisisSignal) -> str:
    if signal.rule_id == MODEL_RULE_ID:
        return "model"
    if signal.source == CrisisSignal.Source.SCREENER:
        return "screener"
    if signal.source == CrisisSignal.Source.STAFF:
        return "staff"
    return "lexicon"


def _queryset(since: dt.datetime):
    """Every case opened since ``since`` with what a row needs: 1 query + 3 prefetches."""
    attempts = CaseEvent.objects.filter(
        case=OuterRef("pk"), kind=CaseEvent.Kind.CONTACT_ATTEMPT
    ).order_by("created_at")
    own_pages = Page.objects.filter(case=OuterRef("pk")).order_by().values("case")
    return (
        Case.objects.filter(opened_at__gte=since)
        .select_related("intake", "team")
        .only(*_READ)
        .annotate(
            first_contact_at=Subquery(attempts.values("created_at")[:1]),
            last_contact_outcome=Subquery(
                attempts.reverse().values(outcome=KT("data__outcome"))[:1]
            ),
            first_notified_at=Subquery(
                own_pages.annotate(first=Min("first_notified_at")).values("first")
            ),
            acknowledged_at=Subquery(
                own_pages.annotate(first=Min("first_acknowledged_at")).values("first")
            ),
            page_grouped=Exists(PageCase.objects.filter(case=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "triage_results",
                TriageResult.objects.only(
                    "case_id", "script_version", "source", "screeners", "created_at"
                ),
            ),
            Prefetch("signals", CrisisSignal.objects.only("case_id", "source", "rule_id")),
            Prefetch(
                "crisis_scans",
                CrisisScan.objects.only("case_id", "model_version", "model_probability"),
            ),
        )
    )


def _row(case: Case, salt: bytes, period) -> dict:
    submitted = case.intake.submitted_at or case.opened_at
    results = list(case.triage_results.all())
    # The engine's run of record on the intake; a message rescan does not replace it.
    of_record = [r for r in results if r.source != TriageResult.Source.MESSAGE] or results
    result = of_record[-1] if of_record else None
    screeners = (result.screeners if result else None) or {}
    scans = [s for s in case.crisis_scans.all() if s.model_version]
    probabilities = [s.model_probability for s in scans if s.model_probability is not None]
    row = {
        "case_key": case_key(salt, case.pk),
        "team": case.team.slug,
        "submitted_period": period(submitted),
        "engine_acuity": case.triage_acuity,
        "final_acuity": case.acuity,
        "crisis": int(case.crisis),
        "crisis_sources": "+".join(sorted({_crisis_source(s) for s in case.signals.all()})),
        "script_version": result.script_version if result else "",
        "model_version": scans[-1].model_version if scans else "",
        "model_max_probability": f"{max(probabilities):.3f}" if probabilities else "",
        "first_notified_s": _seconds(submitted, case.first_notified_at),
        "acknowledged_s": _seconds(submitted, case.acknowledged_at),
        "first_contact_s": _seconds(submitted, case.first_contact_at),
        "closed_s": _seconds(submitted, case.closed_at),
        "page_grouped": int(case.page_grouped),
        "status": case.status,
        "disposition": case.disposition,
        "last_contact_outcome": case.last_contact_outcome or "",
        # Coded answers from fixed choices; "" where the patient did not answer.
        "age_band": case.intake.age_band,
        "language": case.intake.language,
        "gender": case.intake.gender,
    }
    for name in SCREENERS:
        total = (screeners.get(name) or {}).get("total")
        row[f"{name}_total"] = "" if total is None else total
    return row


def analytics_rows(since: dt.date, salt: bytes, period: str = "week") -> list[dict]:
    """Rows for cases opened on or after ``since`` (local midnight), in an order that
    says nothing about when within its week a case came in."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    rows = [_row(case, salt, PERIODS[period]) for case in _queryset(start)]
    return sorted(rows, key=lambda r: (r["submitted_period"], r["case_key"]))


def export_analytics(*, out: Path, since: dt.date, period: str = "week", actor=None) -> int:
    """Write the analytics CSV to ``out`` and record the export; returns the row count.

    ``period`` is the only date kept: the ISO week of submission, or its year alone
    (strict Safe Harbor, docs/OPERATIONS.md).
    """
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    rows = analytics_rows(since, new_salt(), period)
    # Recorded (and committed) before a row is written: a failed audit writes nothing.
    record_access(
        actor=actor,
        action=AccessEvent.Action.EXPORT,
        object_type="cases.case",
        reason="analytics export (de-identified)",
        details={"count": len(rows), "since": since.isoformat(), "period": period},
    )
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
