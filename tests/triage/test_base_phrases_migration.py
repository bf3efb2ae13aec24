"""The shipped lexicon as phrase rows decides every evaluation message as before (issue 18).

The base version the migration made is rebuilt from its rows (as any edit rebuilds
it), and every message of every evaluation set, tuned, blind and the corpus splits,
is scanned with it and with the shipped script: the same signals, so the same
decisions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage import engine
from triage.engine.effective import content_hash
from triage.models import TriageScript
from triage.scripts import phrasebook

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SETS = sorted((ROOT / "tests/data").glob("crisis_*.jsonl")) + sorted(
    (ROOT / "data/crisis").glob("*/*.jsonl")
)


def test_every_set_is_read():
    names = {p.name for p in SETS}
    assert {
        "crisis_eval.jsonl",
        "crisis_holdout_3.jsonl",
        "b1_en.jsonl",
        "t8_hard_pairs.jsonl",
    } <= names
    assert len(SETS) == 19


def test_the_rows_rebuild_the_stored_base_exactly():
    base = TriageScript.objects.get(team__isnull=True, version=1)
    rebuilt = phrasebook.effective_document(base)

    assert content_hash(rebuilt) == base.content_hash
    shipped = engine.default_script().to_dict()
    assert rebuilt["lexicon"] == shipped["lexicon"]
    assert {k: v for k, v in rebuilt.items() if k not in ("version", "notes")} == {
        k: v for k, v in shipped.items() if k != "version"
    }


def test_every_message_of_every_evaluation_set_is_decided_as_before():
    base = TriageScript.objects.get(team__isnull=True, version=1)
    from_rows = engine.Script.from_dict(phrasebook.effective_document(base))
    shipped = engine.default_script()
    count = differing = 0
    for path in SETS:
        for case in engine.load_cases(path):
            before = [
                (s.rule_id, s.start, s.end, s.subject) for s in engine.scan(case["text"], shipped)
            ]
            after = [
                (s.rule_id, s.start, s.end, s.subject) for s in engine.scan(case["text"], from_rows)
            ]
            count += 1
            differing += before != after
    assert count > 11_000
    assert differing == 0
