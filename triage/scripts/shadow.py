"""Shadow mode: what a candidate script would change, before activation.

The comparison only: each case's answers and words are given as plain data, read from
live cases by governance/scripts.py. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from triage import engine


@dataclass(frozen=True)
class ShadowChange:
    reference: str
    acuity_before: str
    acuity_after: str
    crisis_before: bool
    crisis_after: bool
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]


@dataclass(frozen=True)
class ShadowCase:
    """One case to re-triage: its reference, its intake's facts, the script in use."""

    reference: str
    facts: engine.IntakeFacts
    current: engine.Script


def shadow_changes(
    cases: Iterable[ShadowCase], candidate: engine.Script
) -> tuple[int, list[ShadowChange]]:
    """Re-triage each case with ``candidate``; the count of cases and every case whose
    acuity or crisis signals would change."""
    changes = []
    count = 0
    for case in cases:
        count += 1
        before = engine.triage(case.facts, case.current)
        after = engine.triage(case.facts, candidate)
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
