"""Train a crisis model: TF-IDF over the engine's own features, logistic regression, Platt.

Deterministic for a given corpus and library versions (a fixed solver, no shuffling), so
training from a clean clone reproduces the shipped artifact's figures.

* The regularisation strength is chosen on validation (best PR AUC).
* Platt scaling on validation turns the score into a calibrated probability.
* The threshold is the highest probability that still flags at least
  ``SENSITIVITY_TARGET`` of validation's crisis messages (the model alone; the lexicon
  only adds to what it flags).
* The set-aside floor is the highest probability under which at most
  ``SET_ASIDE_MAX_SHARE`` of validation's crisis messages that the lexicon matches fall:
  under it, the model may overrule a lexicon match (see engine.crisis_model).
* The sentence bar (``choose_sentence_set_aside``) is not chosen here: it is an engine
  constant chosen on validation for the shipped model, so that training still rebuilds
  the shipped artifact byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from triage.crisis_models import corpus
from triage.engine import default_script, scan
from triage.engine.crisis_model import CrisisModel, features
from triage.engine.model_metrics import average_precision
from triage.engine.sentences import sentences_holding

SENSITIVITY_TARGET = 0.98
SET_ASIDE_MAX_SHARE = 0.01
C_GRID = (3.0, 10.0, 30.0, 100.0)
MIN_DF = 2


@dataclass(frozen=True)
class TrainingRun:
    model: CrisisModel
    chosen_c: float
    validation_pr_auc: dict[float, float]


def _labels(rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    return np.array([row["label"] == "crisis" for row in rows], dtype=int)


def _fit(x, y, c: float) -> LogisticRegression:
    model = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=0
    )
    return model.fit(x, y)


def choose_threshold(
    labels: Sequence[bool], probabilities: Sequence[float], target: float
) -> float:
    """The highest threshold that flags at least ``target`` of the crisis messages."""
    crisis = sorted(p for p, y in zip(probabilities, labels, strict=True) if y)
    if not crisis:
        raise ValueError("validation has no crisis messages")
    allowed_misses = math.floor((1 - target) * len(crisis) + 1e-9)
    return float(min(max(crisis[allowed_misses], 1e-6), 1 - 1e-6))


def choose_set_aside(
    labels: Sequence[bool], lexicon: Sequence[bool], probabilities: Sequence[float]
) -> float:
    """The floor under which at most SET_ASIDE_MAX_SHARE of the lexicon's true crisis
    matches fall (they are set aside strictly under it)."""
    matched = sorted(p for p, y, lx in zip(probabilities, labels, lexicon, strict=True) if y and lx)
    if not matched:
        return 0.0
    allowed = math.floor(SET_ASIDE_MAX_SHARE * len(matched) + 1e-9)
    return float(matched[allowed])


def sentence_readings(
    model: CrisisModel, rows: Sequence[Mapping[str, Any]]
) -> list[tuple[bool, bool, float, float | None]]:
    """For each row: (crisis label, lexicon match, whole-text probability, the highest
    probability of the sentences holding the lexicon's matches read alone, or None
    without a match)."""
    script = default_script()
    out = []
    for row in rows:
        text = row["text"]
        found = scan(text, script)
        whole = model.probability(text)
        sentences = sentences_holding(text, [(s.start, s.end) for s in found])
        alone = max((whole if s == text else model.probability(s) for s in sentences), default=None)
        out.append((row["label"] == "crisis", bool(found), whole, alone))
    return out


def choose_sentence_set_aside(
    readings: Sequence[tuple[bool, bool, float, float | None]], set_aside_below: float
) -> float:
    """The lowest sentence bar, rounded up to 0.001, under which the sentence reading
    brings back at most SET_ASIDE_MAX_SHARE of the lexicon's false matches that the
    whole-text floor sets aside (``readings`` from ``sentence_readings`` on validation).

    The floor bounds what setting aside costs in missed crises; this bounds what the
    sentence reading costs in false alarms, with the same share. Never under the floor.
    """
    alone = sorted(
        (
            p
            for y, lx, whole, p in readings
            if lx and not y and whole < set_aside_below and p is not None
        ),
        reverse=True,
    )
    if not alone:
        return set_aside_below
    allowed = math.floor(SET_ASIDE_MAX_SHARE * len(alone) + 1e-9)
    # Set aside strictly under the bar: the bar must pass the reading it sets aside.
    bar = math.floor(alone[allowed] * 1000) / 1000 + 0.001
    return max(round(bar, 3), set_aside_below)


def train(
    train_rows: Sequence[Mapping[str, Any]],
    validation_rows: Sequence[Mapping[str, Any]],
    *,
    c_grid: Sequence[float] = C_GRID,
    sensitivity_target: float = SENSITIVITY_TARGET,
    meta: Mapping[str, Any] | None = None,
) -> TrainingRun:
    """Fit on ``train_rows``; choose C, calibrate and set the threshold on validation."""
    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, min_df=MIN_DF, norm="l2", dtype=np.float64
    )
    x_train = vectorizer.fit_transform([row["text"] for row in train_rows])
    y_train = _labels(train_rows)
    x_val = vectorizer.transform([row["text"] for row in validation_rows])
    y_val = _labels(validation_rows)

    scores: dict[float, float] = {}
    fitted: dict[float, LogisticRegression] = {}
    for c in c_grid:
        fitted[c] = _fit(x_train, y_train, c)
        scores[c] = average_precision(
            y_val.astype(bool).tolist(), fitted[c].decision_function(x_val).tolist()
        )
    chosen = max(c_grid, key=lambda c: (scores[c], -c))
    classifier = fitted[chosen]

    # Platt scaling: a one-feature logistic regression on validation's scores, barely
    # regularised.
    z_val = classifier.decision_function(x_val).reshape(-1, 1)
    platt = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(z_val, y_val)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    parts = {
        "terms": vectorizer.get_feature_names_out().tolist(),
        "idf": vectorizer.idf_.tolist(),
        "coef": classifier.coef_[0].tolist(),
        "intercept": float(classifier.intercept_[0]),
        "calibration": (a, b),
    }
    # The thresholds are set on the probabilities the stored (float32) model computes,
    # not scikit-learn's float64 ones, so rounding can never drop a validation crisis
    # under them.
    stored = CrisisModel.from_parts(**parts, threshold=0.5)
    own = [stored.probability(row["text"]) for row in validation_rows]
    labels = y_val.astype(bool).tolist()
    threshold = choose_threshold(labels, own, sensitivity_target)
    script = default_script()
    lexicon = [bool(scan(row["text"], script)) for row in validation_rows]
    set_aside_below = min(choose_set_aside(labels, lexicon, own), threshold / 2)
    model = CrisisModel.from_parts(
        **parts,
        threshold=threshold,
        set_aside_below=set_aside_below,
        meta={
            **(meta or {}),
            "trained_on": len(train_rows),
            "validated_on": len(validation_rows),
            "c": chosen,
            "min_df": MIN_DF,
            "sensitivity_target": sensitivity_target,
            "scikit_learn": sklearn.__version__,
            "set_aside_max_share": SET_ASIDE_MAX_SHARE,
        },
    )
    return TrainingRun(model=model, chosen_c=chosen, validation_pr_auc=scores)


def train_from_corpus(extra: Sequence[Path] = ()) -> tuple[TrainingRun, int]:
    """Train on the repository's corpus (and extra labelled files): what
    ``manage.py crisis_model train`` runs, so it rebuilds the shipped model exactly.
    Returns the run and the number of training rows."""
    rows = corpus.training_rows(list(extra))
    run = train(
        rows, corpus.load_split("validation"), meta={"extra_files": [p.name for p in extra]}
    )
    return run, len(rows)
