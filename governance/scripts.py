"""A draft triage script run over the clinic's live data: its recent cases (shadow run)
and its nurse-labelled messages (part of the validation run). The comparison and the
report are triage's (triage/scripts/shadow.py, drafts.py); this module reads the rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case
from cases.triaging import intake_facts
from governance.labels import labelled_rows
from triage import engine
from triage.models import TriageScript
from triage.scripts import drafts
from triage.scripts.active import active_script
from triage.scripts.shadow import ShadowCase, ShadowChange, shadow_changes

SHADOW_MAX_CASES = 2000


def _shadow_cases(cases: QuerySet[Case]) -> Iterator[ShadowCase]:
    for case in cases:
        yield ShadowCase(case.reference, intake_facts(case.intake), active_script(case.team)[1])


def shadow_run(
    *, script: TriageScript, last: int = 200, days: int | None = None
) -> tuple[int, list[ShadowChange]]:
    """Re-triage the team's last ``last`` cases (or those of the last ``days``) with
    ``script``; list every case whose acuity or crisis signals would change. A base
    version is run over every team's cases. Nothing is written."""
    candidate = engine.Script.from_dict(script.document)
    cases = Case.objects.select_related("intake", "team").order_by("-opened_at")
    if script.team_id is not None:
        cases = cases.filter(team=script.team)
    if days is not None:
        cases = cases.filter(opened_at__gte=timezone.now() - timedelta(days=days))
    return shadow_changes(_shadow_cases(cases[:last]), candidate)


def script_shadow(*, script: TriageScript, days: int, actor) -> TriageScript:
    """Re-triage the cases of the last ``days`` days; keep the cases that would change."""
    count, changes = shadow_run(script=script, days=days, last=SHADOW_MAX_CASES)
    return drafts.script_shadow_save(
        script=script, days=days, count=count, changes=changes, actor=actor
    )


def script_validate(*, script: TriageScript, actor, include_clinic: bool = True) -> TriageScript:
    """Run the draft over every evaluation set, the clinic's labelled messages (unless
    ``include_clinic`` is false) and every phrase example; store the report."""
    clinic_rows = labelled_rows() if include_clinic else None
    return drafts.script_validate(script=script, actor=actor, clinic_rows=clinic_rows)
