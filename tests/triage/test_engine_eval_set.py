"""The crisis scan against the labelled evaluation set (tests/data/crisis_eval.jsonl).

The bar: sensitivity >= 0.98 and specificity >= 0.90, overall and per language. The
lexicon was tuned while looking at this set's misses, so these figures are an upper
bound on what to expect on new text; fresh sentences belong in new held-out cases.
"""

from pathlib import Path

import pytest

from triage.engine import evaluate, format_table, load_cases, scan

EVAL_SET = Path(__file__).resolve().parents[1] / "data" / "crisis_eval.jsonl"
MIN_SENSITIVITY = 0.98
MIN_SPECIFICITY = 0.90


@pytest.fixture(scope="module")
def report():
    return evaluate(load_cases(EVAL_SET), scan)


def _misses(cases) -> str:
    return "\n".join(f"  [{c.get('language')}] {c['text']}" for c in cases)


def test_it_meets_the_bar_overall(report):
    assert report.sensitivity >= MIN_SENSITIVITY, (
        f"missed crises:\n{_misses(report.false_negatives)}\n{format_table(report)}"
    )
    assert report.specificity >= MIN_SPECIFICITY, (
        f"false alarms:\n{_misses(report.false_positives)}\n{format_table(report)}"
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_meets_the_bar_per_language(report, language):
    confusion = report.by_language[language]
    assert confusion.n > 0
    assert confusion.sensitivity >= MIN_SENSITIVITY, format_table(report)
    assert confusion.specificity >= MIN_SPECIFICITY, format_table(report)


def test_it_covers_both_labels_in_both_languages(report):
    for language in ("en", "es"):
        c = report.by_language[language]
        assert c.tp + c.fn > 0 and c.tn + c.fp > 0
