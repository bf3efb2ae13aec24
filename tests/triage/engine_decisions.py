"""Record the triage engine's decisions on every message of every evaluation set.

A change meant to leave the engine's results alone (a faster or simpler scanner, a
tidier module) is checked against the fixture this writes: the acuity, crisis flag and
reason ids of a triage without and with the shipped crisis model, and the id, span and
subject of every crisis signal and advice request, per message.

    .venv/bin/python -m tests.triage.engine_decisions   # rewrite the fixture

Rewrite it only when a change is MEANT to change results (a new lexicon or model), and
say so in the commit.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

from triage.engine import CrisisModel, IntakeFacts, Script, default_script, triage
from triage.engine.crisis_model import SHIPPED_MODEL_PATH
from triage.engine.evaluation import load_cases

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "data" / "engine_decisions.jsonl.gz"
SET_GLOBS = ("tests/data/*.jsonl", "data/crisis/*/*.jsonl")


def evaluation_sets() -> Iterator[tuple[str, list[str]]]:
    """(name, texts) of every evaluation set in the repository, in a fixed order."""
    for pattern in SET_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            yield str(path.relative_to(ROOT)), [row["text"] for row in load_cases(path)]
    cases = default_script().validation_cases
    yield "default_script.validation_cases", [case["text"] for case in cases]


def _digest(text: str) -> str:
    # Ties a record to its message, so an edited set fails loudly rather than shifts.
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def decision(text: str, script: Script, model: CrisisModel) -> list:
    """One message's decisions as a compact JSON-able list."""
    plain = triage(IntakeFacts(free_text=text), script)
    modelled = triage(IntakeFacts(free_text=text), script, model)
    return [
        _digest(text),
        plain.acuity.value,
        plain.crisis,
        [r.rule_id for r in plain.reasons],
        [[s.rule_id, s.start, s.end, s.subject] for s in plain.signals],
        [[a.rule_id, a.start, a.end] for a in plain.advice_requests],
        modelled.acuity.value,
        modelled.crisis,
        [r.rule_id for r in modelled.reasons],
    ]


def shipped_model() -> CrisisModel:
    return CrisisModel.from_bytes(SHIPPED_MODEL_PATH.read_bytes())


def records() -> Iterator[tuple[str, list[list]]]:
    script, model = default_script(), shipped_model()
    for name, texts in evaluation_sets():
        yield name, [decision(text, script, model) for text in texts]


def write(path: Path = FIXTURE) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    # gzip: 130 KB where the plain lines take 1.7 MB; mtime=0 keeps rewrites byte-identical.
    with gzip.GzipFile(path, "wb", mtime=0) as raw, io.TextIOWrapper(raw, "utf-8") as f:
        for name, rows in records():
            for row in rows:
                f.write(json.dumps([name, *row], ensure_ascii=False, separators=(",", ":")))
                f.write("\n")
            count += len(rows)
    return count


def read(path: Path = FIXTURE) -> dict[str, list[list]]:
    by_set: dict[str, list[list]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            name, *row = json.loads(line)
            by_set.setdefault(name, []).append(row)
    return by_set


if __name__ == "__main__":
    print(f"{write()} messages recorded in {FIXTURE.relative_to(ROOT)}")
