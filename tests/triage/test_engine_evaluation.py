"""Evaluation metrics: confusion matrix, derived rates, breakdowns, table."""

import json

import pytest

from triage.engine import Confusion, evaluate, format_table, load_cases


def fake_scan(text: str) -> tuple:
    return ("hit",) if "CRISIS" in text else ()


CASES = [
    {"text": "CRISIS a", "label": "crisis", "language": "en", "age_band": "18-25"},
    {"text": "CRISIS b", "label": "crisis", "language": "es", "age_band": "18-25"},
    {"text": "missed", "label": "crisis", "language": "en"},
    {"text": "CRISIS false alarm", "label": "no_crisis", "language": "en"},
    {"text": "fine", "label": "no_crisis", "language": "es", "age_band": "65+"},
    {"text": "fine too", "label": "no_crisis"},
]


def test_it_counts_the_confusion_matrix():
    report = evaluate(CASES, fake_scan)
    assert (report.overall.tp, report.overall.fp, report.overall.tn, report.overall.fn) == (
        2,
        1,
        2,
        1,
    )
    assert report.n == 6
    assert report.sensitivity == pytest.approx(2 / 3)
    assert report.specificity == pytest.approx(2 / 3)
    assert report.ppv == pytest.approx(2 / 3)
    assert report.npv == pytest.approx(2 / 3)
    assert [c["text"] for c in report.false_negatives] == ["missed"]
    assert [c["text"] for c in report.false_positives] == ["CRISIS false alarm"]


def test_it_breaks_down_by_language_and_age_band():
    report = evaluate(CASES, fake_scan)
    assert report.by_language["en"] == Confusion(tp=1, fp=1, tn=0, fn=1)
    assert report.by_language["es"] == Confusion(tp=1, fp=0, tn=1, fn=0)
    assert report.by_language["unknown"] == Confusion(tn=1)
    assert report.by_age_band["18-25"].sensitivity == 1.0
    assert report.by_age_band["65+"].specificity == 1.0


def test_it_leaves_undefined_rates_as_none():
    report = evaluate([{"text": "fine", "label": "no_crisis"}], fake_scan)
    assert report.ppv is None  # nothing predicted positive
    assert report.sensitivity is None  # no positive cases
    assert report.specificity == 1.0 and report.npv == 1.0
    assert Confusion().to_dict()["sensitivity"] is None


def test_it_exports_json():
    data = evaluate(CASES, fake_scan).to_dict()
    for key in ("n", "sensitivity", "specificity", "ppv", "npv", "by_language"):
        assert key in data
    assert data["by_language"]["es"]["n"] == 2
    json.dumps(data)


def test_it_formats_a_table():
    table = format_table(evaluate(CASES, fake_scan))
    assert table.splitlines()[0].split()[:2] == ["group", "n"]
    assert "overall" in table and "language es" in table and "age 65+" in table
    assert " 66.7" in table
    assert "n/a" in format_table(evaluate([{"text": "x", "label": "no_crisis"}], fake_scan))


@pytest.mark.parametrize(
    "case",
    [{"label": "crisis"}, {"text": "x", "label": "maybe"}, "just text"],
)
def test_it_rejects_malformed_cases(case):
    with pytest.raises(ValueError):
        evaluate([case], fake_scan)


def test_it_loads_json_lines(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"text": "a", "label": "crisis"}\n\n{"text": "b", "label": "no_crisis"}\n')
    assert [c["text"] for c in load_cases(path)] == ["a", "b"]
