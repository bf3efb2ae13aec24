"""The validation gate: a script's labelled cases, run through its own lexicon."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from triage import engine


def evaluate_cases(
    script: engine.Script,
    cases: Iterable[Mapping[str, Any]],
    model: engine.CrisisModel | None = None,
) -> dict[str, Any]:
    """Sensitivity, specificity, PPV, NPV and the confusion matrix, overall and broken down
    by language and age band, as JSON-able data (stored on the script as its report).

    With a ``model``, the combined decision (``engine.crisis_decision``).
    """

    def scan(text: str) -> tuple:
        signals = engine.scan(text, script)
        if model is None:
            return signals
        score = model.score(text, explain=False, matches=[(s.start, s.end) for s in signals])
        return ("crisis",) if engine.crisis_decision(bool(signals), score) else ()

    return engine.evaluate(list(cases), scan).to_dict()


def validation_report(script: engine.Script) -> dict[str, Any]:
    return evaluate_cases(script, script.validation_cases)


def passes_gate(report: Mapping[str, Any]) -> tuple[bool, str]:
    """Approval needs sensitivity on crisis cases at or above the configured threshold."""
    threshold = settings.TRIAGE_APPROVAL_MIN_SENSITIVITY
    sensitivity = report.get("sensitivity")
    if not report.get("n"):
        return False, "The script has no labelled validation cases."
    if sensitivity is None:
        return False, "The validation cases hold no crisis case, so sensitivity is unknown."
    if sensitivity < threshold:
        return False, (
            f"Sensitivity on crisis cases is {sensitivity:.3f}, below the required {threshold:.3f}"
            f" ({report.get('fn', 0)} crisis case(s) missed)."
        )
    return True, f"Sensitivity {sensitivity:.3f} meets the required {threshold:.3f}."
