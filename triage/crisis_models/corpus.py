"""The project's crisis corpus (data/crisis/) and the clinic's own labelled rows.

Three splits written by different writers: ``train`` fits the model, ``validation``
calibrates it and sets its threshold, ``test`` is the blind test, read only to report.
The older sets in tests/data stay where they are: ``crisis_dev`` and ``crisis_eval`` were
used to tune the lexicon and may train the model; ``crisis_holdout_2`` and
``crisis_holdout_3`` stay blind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triage.crisis_models.labels import read_rows
from triage.engine.evaluation import load_cases

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "crisis"
SPLITS = ("train", "validation", "test")
TUNING_SETS = (ROOT / "tests/data/crisis_dev.jsonl", ROOT / "tests/data/crisis_eval.jsonl")
BLIND_SETS = (
    ROOT / "tests/data/crisis_holdout_2.jsonl",
    ROOT / "tests/data/crisis_holdout_3.jsonl",
)


def split_files(split: str) -> list[Path]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; one of {', '.join(SPLITS)}")
    return sorted((CORPUS / split).glob("*.jsonl"))


def load_split(split: str) -> list[dict[str, Any]]:
    """Every row of a split, each tagged with the file it came from (``source``)."""
    rows = []
    for path in split_files(split):
        rows += [{**row, "source": path.name} for row in load_cases(path)]
    return rows


def training_rows(extra: list[Path] | None = None) -> list[dict[str, Any]]:
    """The train split, the lexicon's tuning sets, and any extra labelled files."""
    rows = load_split("train")
    for path in TUNING_SETS:
        rows += [{**row, "source": path.name} for row in load_cases(path)]
    for path in extra or []:
        # Extra files may be the clinic's sealed label exports (read in memory only).
        rows += [{**row, "source": Path(path).name} for row in read_rows(Path(path))]
    return rows
