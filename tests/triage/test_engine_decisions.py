"""The engine decides exactly as recorded on every message of every evaluation set.

The fixture (see ``engine_decisions.py``) was written before the scanner was simplified;
any difference in acuity, crisis flag, reason, signal or advice span fails here, with the
message's set and line.
"""

import pytest

from tests.triage.engine_decisions import FIXTURE, evaluation_sets, read, records


@pytest.fixture(scope="module")
def recorded():
    return read(FIXTURE)


def test_the_fixture_covers_every_evaluation_set(recorded):
    sets = {name: len(texts) for name, texts in evaluation_sets()}

    assert {name: len(rows) for name, rows in recorded.items()} == sets
    assert sum(sets.values()) > 11_000


def test_every_message_gets_the_recorded_decisions(recorded):
    differences = []
    for name, rows in records():
        expected = recorded[name]
        for line, (got, want) in enumerate(zip(rows, expected, strict=True), start=1):
            if got != want:
                differences.append(f"{name}:{line}: got {got}, recorded {want}")

    assert not differences, "\n".join(differences[:20])
