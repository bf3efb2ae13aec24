"""manage.py crisis_model: evaluate, export-labels, train."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from audit.models import AccessEvent
from cases.actions import signal_record_missed, signal_review
from intake.submission import case_open_from_intake
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake
from triage.crisis_models.labels import read_rows
from triage.models import CrisisModel

DATA = Path(__file__).resolve().parents[1] / "data"


def run(*args) -> list[str]:
    out = StringIO()
    call_command("crisis_model", *args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_evaluate_prints_lexicon_model_and_combined_and_ends_with_json():
    lines = run("evaluate", str(DATA / "crisis_holdout_2.jsonl"))

    summary = json.loads(lines[-1])
    assert summary["n"] == 300
    assert {"sensitivity", "specificity", "ppv", "npv", "auc", "ece"} <= set(summary)
    assert set(summary["by_language"]) == {"en", "es"}
    for part in ("lexicon", "model"):
        assert 0 <= summary[part]["sensitivity"] <= 1
    # The combined decision flags whatever either part flags.
    assert summary["sensitivity"] >= max(
        summary["lexicon"]["sensitivity"], summary["model"]["sensitivity"]
    )
    assert any(line.startswith("overall") for line in lines)


@pytest.mark.django_db
def test_evaluate_names_an_unreadable_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(CommandError, match="Could not evaluate"):
        run("evaluate", str(bad))


@pytest.mark.django_db
def test_export_labels_writes_deidentified_nurse_labels_sealed(tmp_path):
    nurse = make_staff(Role.NURSE)
    confirmed = case_open_from_intake(
        intake=make_intake(
            full_name="Rosa Delgado",
            phone="305-555-0147",
            reason="Soy Rosa Delgado, quiero matarme esta noche, llámenme al 305-555-0147",
        )
    ).case
    signal_review(signal=confirmed.signals.first(), user=nurse, review="true_positive")
    missed = case_open_from_intake(
        intake=make_intake(reason="Ya dejé todo arreglado para mis hijos, mañana ya no estaré")
    ).case
    signal_record_missed(case=missed, user=nurse, category="suicide", note="goodbye")
    out = tmp_path / "labels.jsonl.enc"

    lines = run("export-labels", "--out", str(out))

    assert "2 labelled rows" in lines[-1]
    raw = out.read_text()
    assert "Rosa" not in raw and "matarme" not in raw  # sealed on disk
    rows = read_rows(out)
    assert {r["label"] for r in rows} == {"crisis"}
    texts = " ".join(r["text"] for r in rows)
    assert "Rosa" not in texts and "Delgado" not in texts and "0147" not in texts
    assert "[NAME]" in texts and "[PHONE]" in texts and "quiero matarme" in texts
    assert AccessEvent.objects.filter(action="export", object_type="cases.crisissignal").exists()


@pytest.mark.django_db
def test_train_stores_a_draft_from_the_corpus_and_extra_labels(tmp_path, settings):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"text": "hola", "label": "no_crisis", "language": "es"}) + "\n")
    artifact = tmp_path / "model.npz"

    lines = run("train", "--extra", str(extra), "--out", str(artifact))

    record = CrisisModel.objects.get()
    assert record.status == CrisisModel.Status.DRAFT and artifact.read_bytes()
    assert any(line.startswith(f"Stored as draft {record.label}") for line in lines)
    assert any(line.startswith("overall") for line in lines)


def test_train_names_a_missing_extra_file():
    with pytest.raises(CommandError, match="No such file"):
        run("train", "--extra", "/nonexistent.jsonl")
