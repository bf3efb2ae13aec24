"""Figures for a probabilistic classifier: ROC AUC, PR AUC, calibration error, reliability.

Pure Python over plain lists, so the validation report, the evaluate command and the CI
guard compute them the same way. Labels are booleans (True = crisis).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ReliabilityBin",
    "average_precision",
    "expected_calibration_error",
    "reliability",
    "roc_auc",
    "wilson_interval",
]


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a proportion (None when n is 0)."""
    if not n:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """The probability that a random crisis scores above a random non-crisis (ties: half)."""
    pairs = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their mean
        rank_sum += average_rank * sum(1 for _, label in pairs[i:j] if label)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Area under the precision-recall curve, as a step function (scikit-learn's AP)."""
    positives = sum(labels)
    if not positives:
        return None
    ranked = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    area, tp, seen, i = 0.0, 0, 0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        new_tp = sum(1 for _, label in ranked[i:j] if label)
        tp, seen = tp + new_tp, seen + (j - i)
        area += (new_tp / positives) * (tp / seen)
        i = j
    return area


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    lower: float
    upper: float
    count: int
    mean_probability: float | None
    crisis_rate: float | None


def reliability(
    labels: Sequence[bool], probabilities: Sequence[float], bins: int = 10
) -> list[ReliabilityBin]:
    """Equal-width probability bins: how often a crisis occurs against what was predicted."""
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, label in zip(probabilities, labels, strict=True):
        grouped[min(int(p * bins), bins - 1)].append((p, label))
    out = []
    for k, members in enumerate(grouped):
        n = len(members)
        out.append(
            ReliabilityBin(
                lower=k / bins,
                upper=(k + 1) / bins,
                count=n,
                mean_probability=sum(p for p, _ in members) / n if n else None,
                crisis_rate=sum(1 for _, y in members if y) / n if n else None,
            )
        )
    return out


def expected_calibration_error(
    labels: Sequence[bool], probabilities: Sequence[float], bins: int = 10
) -> float | None:
    """Mean gap between predicted probability and observed rate, weighted by bin size."""
    if not labels:
        return None
    total = len(labels)
    return sum(
        b.count / total * abs(b.mean_probability - b.crisis_rate)
        for b in reliability(labels, probabilities, bins)
        if b.count
    )
