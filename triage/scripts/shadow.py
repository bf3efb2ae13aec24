"""Shadow mode: what a candidate script would change on recent intakes, before activation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from cases.triaging import intake_facts
from triage import engine
from triage.models import TriageScript


@dataclass(frozen=True)
class ShadowChange:
    reference: str
    acuity_before: str
    acuity_after: str
    crisis_before: bool
    crisis_after: bool
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]


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
    cases = cases[:last]
    changes = []
    count = 0
    for case in cases:
        count += 1
        facts = intake_facts(case.intake)
        before = engine.triage(facts, _current_script(case))
        after = engine.triage(facts, candidate)
        rules_before = {r.rule_id for r in before.reasons}
        rules_after = {r.rule_id for r in after.reasons}
        signals_before = {s.rule_id for s in before.signals}
        signals_after = {s.rule_id for s in after.signals}
        if (
            before.acuity != after.acuity
            or before.crisis != after.crisis
            or signals_before != signals_after
        ):
            changes.append(
                ShadowChange(
                    reference=case.reference,
                    acuity_before=str(before.acuity),
                    acuity_after=str(after.acuity),
                    crisis_before=before.crisis,
                    crisis_after=after.crisis,
                    rules_added=tuple(sorted(rules_after - rules_before)),
                    rules_removed=tuple(sorted(rules_before - rules_after)),
                )
            )
    return count, changes


def _current_script(case: Case) -> engine.Script:
    from triage.scripts.active import active_script

    return active_script(case.team)[1]
