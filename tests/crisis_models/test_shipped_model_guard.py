"""Regression guard: the shipped crisis model on the project's blind sets (issue 14).

Fails when the combined decision (lexicon OR model) falls under the floors on the blind
test, for English or Spanish, on the two older blind sets, when calibration error
exceeds 0.05, or when Spanish sensitivity falls more than 5 points under English. The
blind test is only ever run to report: these figures are read, never tuned on.
"""

import json

import pytest

from triage.crisis_models.active import shipped_model
from triage.crisis_models.services import FLOORS, floors, validation_report


@pytest.fixture(scope="module")
def report():
    return validation_report(shipped_model())


def test_the_shipped_model_meets_every_floor_on_the_blind_sets(report, capsys):
    blind = report["blind_test"]
    with capsys.disabled():
        summary = {
            "blind_test": {k: blind[k] for k in ("n", "sensitivity", "specificity", "auc", "ece")},
            "by_language": {
                lang: {k: f[k] for k in ("n", "sensitivity", "specificity")}
                for lang, f in blind["by_language"].items()
            },
            "older_blind_sets": report["older_blind_sets"],
        }
        print("\nshipped crisis model on the blind sets:", json.dumps(summary, indent=1))
    ok, problems = floors(report)
    assert ok, problems


def test_the_blind_test_holds_both_languages_in_size(report):
    by_language = report["blind_test"]["by_language"]
    assert by_language["en"]["n"] >= 700 and by_language["es"]["n"] >= 700


def test_the_floors_are_the_ones_the_issue_sets():
    assert FLOORS["blind_test"] == {"sensitivity": 0.95, "specificity": 0.90}
    assert FLOORS["older_blind_sets"] == {"sensitivity": 0.85, "specificity": 0.85}
    assert FLOORS["max_ece"] == 0.05 and FLOORS["max_language_gap"] == 0.05
