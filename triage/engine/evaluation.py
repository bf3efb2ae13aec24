"""Measure a crisis scanner against labelled cases: sensitivity, specificity, PPV, NPV.

A case is ``{"text", "label": "crisis" | "no_crisis", "language"?, "age_band"?}``. The
prediction is "crisis" when the scan returns at least one signal, whatever its subject:
a report about someone else still needs a person to look at it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Confusion", "EvaluationReport", "evaluate", "format_table", "load_cases"]

CRISIS, NO_CRISIS = "crisis", "no_crisis"
UNKNOWN = "unknown"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(frozen=True, slots=True)
class Confusion:
    """A confusion matrix and the figures derived from it (None when undefined)."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def sensitivity(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def specificity(self) -> float | None:
        return _ratio(self.tn, self.tn + self.fp)

    @property
    def ppv(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def npv(self) -> float | None:
        return _ratio(self.tn, self.tn + self.fn)

    def add(self, label: str, predicted: bool) -> Confusion:
        crisis = label == CRISIS
        return Confusion(
            tp=self.tp + (crisis and predicted),
            fp=self.fp + (not crisis and predicted),
            tn=self.tn + (not crisis and not predicted),
            fn=self.fn + (crisis and not predicted),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "sensitivity": self.sensitivity,
            "specificity": self.specificity,
            "ppv": self.ppv,
            "npv": self.npv,
        }


@dataclass(frozen=True)
class EvaluationReport:
    overall: Confusion
    by_language: Mapping[str, Confusion]
    by_age_band: Mapping[str, Confusion]
    false_negatives: tuple[Mapping[str, Any], ...]
    false_positives: tuple[Mapping[str, Any], ...]

    # The headline figures, for convenience.
    @property
    def n(self) -> int:
        return self.overall.n

    @property
    def sensitivity(self) -> float | None:
        return self.overall.sensitivity

    @property
    def specificity(self) -> float | None:
        return self.overall.specificity

    @property
    def ppv(self) -> float | None:
        return self.overall.ppv

    @property
    def npv(self) -> float | None:
        return self.overall.npv

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: n, confusion counts, sensitivity, specificity, ppv, npv, breakdowns."""
        return {
            **self.overall.to_dict(),
            "by_language": {k: v.to_dict() for k, v in sorted(self.by_language.items())},
            "by_age_band": {k: v.to_dict() for k, v in sorted(self.by_age_band.items())},
            "false_negatives": [dict(c) for c in self.false_negatives],
            "false_positives": [dict(c) for c in self.false_positives],
        }


def _check_case(i: int, case: object) -> Mapping[str, Any]:
    if not isinstance(case, Mapping):
        raise ValueError(f"case {i}: must be an object")
    if not isinstance(case.get("text"), str):
        raise ValueError(f"case {i}: 'text' must be a string")
    if case.get("label") not in (CRISIS, NO_CRISIS):
        raise ValueError(f"case {i}: 'label' must be 'crisis' or 'no_crisis'")
    return case


def evaluate(
    cases: Iterable[Mapping[str, Any]], scan_fn: Callable[[str], Sequence[object]]
) -> EvaluationReport:
    """Run ``scan_fn`` over every case and tally the results."""
    overall = Confusion()
    by_language: dict[str, Confusion] = {}
    by_age: dict[str, Confusion] = {}
    fns: list[Mapping[str, Any]] = []
    fps: list[Mapping[str, Any]] = []
    for i, raw in enumerate(cases):
        case = _check_case(i, raw)
        predicted = len(scan_fn(case["text"])) > 0
        label = case["label"]
        overall = overall.add(label, predicted)
        lang = case.get("language") or UNKNOWN
        by_language[lang] = by_language.get(lang, Confusion()).add(label, predicted)
        age = case.get("age_band") or UNKNOWN
        by_age[age] = by_age.get(age, Confusion()).add(label, predicted)
        if label == CRISIS and not predicted:
            fns.append(case)
        elif label == NO_CRISIS and predicted:
            fps.append(case)
    return EvaluationReport(overall, by_language, by_age, tuple(fns), tuple(fps))


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{value * 100:5.1f}"


def format_table(report: EvaluationReport) -> str:
    """A plain-text table: one row overall, then per language and per age band."""
    header = f"{'group':<16}{'n':>5}{'tp':>5}{'fp':>5}{'tn':>5}{'fn':>5}"
    header += f"{'sens%':>8}{'spec%':>8}{'ppv%':>8}{'npv%':>8}"
    lines = [header, "-" * len(header)]

    def row(name: str, c: Confusion) -> str:
        return (
            f"{name:<16}{c.n:>5}{c.tp:>5}{c.fp:>5}{c.tn:>5}{c.fn:>5}"
            f"{_pct(c.sensitivity):>8}{_pct(c.specificity):>8}{_pct(c.ppv):>8}{_pct(c.npv):>8}"
        )

    lines.append(row("overall", report.overall))
    for lang, c in sorted(report.by_language.items()):
        lines.append(row(f"language {lang}", c))
    for band, c in sorted(report.by_age_band.items()):
        lines.append(row(f"age {band}", c))
    return "\n".join(lines)


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Read cases from a JSON Lines file (blank lines ignored)."""
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
