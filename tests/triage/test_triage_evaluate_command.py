import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "crisis_eval.jsonl"


def run(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("triage_evaluate", *args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_the_engine_meets_the_bar_on_the_evaluation_set_overall_and_per_language(tmp_path):
    false_negatives = tmp_path / "fn.jsonl"

    lines = run(str(EVAL_SET), "--false-negatives", str(false_negatives))

    summary = json.loads(lines[-1])
    print("\n".join(lines))  # the table, in the test log
    assert summary["n"] >= 400
    assert summary["sensitivity"] >= 0.98
    assert summary["specificity"] >= 0.90
    for language in ("en", "es"):
        assert summary["by_language"][language]["sensitivity"] >= 0.98, language
        assert summary["by_language"][language]["specificity"] >= 0.90, language
    assert false_negatives.exists()
    assert any(line.startswith("overall") for line in lines)


@pytest.mark.django_db
def test_it_names_a_missing_script_version():
    with pytest.raises(CommandError, match="north-v9"):
        run(str(EVAL_SET), "--script", "north-v9")


@pytest.mark.django_db
def test_it_reports_an_unreadable_file_clearly(tmp_path):
    with pytest.raises(CommandError, match="Could not read"):
        run(str(tmp_path / "missing.jsonl"))
