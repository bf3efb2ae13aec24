"""A validation run: a draft's figures on every evaluation set, beside the active one's.

Every figure names its set and the set's size. Sets the phrases were tuned on and
blind sets (never used to write a phrase) are told apart and shown side by side; on a
blind set only counts are shown, never the messages, so no one tunes on it by reading
it. Figures are the lexicon's alone (the phrases this script governs); the crisis
model runs beside it and is governed on its own page.

Whole sets, no sampling: about 2,900 messages a script. Figures of a version are kept
in the cache by its content hash (the same content gives the same figures), and the
page says when they came from there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from triage import engine
from triage.crisis_models.corpus import ROOT
from triage.engine.phrases import check_examples

TUNED, BLIND, CLINIC = "tuned", "blind", "clinic"
SETS: tuple[tuple[str, str, str], ...] = (
    # (name, path from the project root, kind)
    ("crisis_eval", "tests/data/crisis_eval.jsonl", TUNED),
    ("crisis_dev", "tests/data/crisis_dev.jsonl", TUNED),
    ("crisis_holdout_2", "tests/data/crisis_holdout_2.jsonl", BLIND),
    ("crisis_holdout_3", "tests/data/crisis_holdout_3.jsonl", BLIND),
    ("blind test b1 (en)", "data/crisis/test/b1_en.jsonl", BLIND),
    ("blind test b2 (es, young)", "data/crisis/test/b2_es_young.jsonl", BLIND),
    ("blind test b3 (es, adults)", "data/crisis/test/b3_es_adults.jsonl", BLIND),
)
CACHE_SECONDS = 7 * 24 * 3600
MAX_SHOWN_CHANGES = 50


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _figures(decisions: Iterable[tuple[str, bool]]) -> dict[str, Any]:
    tp = fp = tn = fn = 0
    for label, flagged in decisions:
        crisis = label == "crisis"
        tp += crisis and flagged
        fn += crisis and not flagged
        fp += flagged and not crisis
        tn += not crisis and not flagged
    return {
        "n": tp + fp + tn + fn,
        "crisis": tp + fn,
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "tn": tn,
        "sensitivity": tp / (tp + fn) if tp + fn else None,
        "specificity": tn / (tn + fp) if tn + fp else None,
    }


def _labelled(rows: list[Mapping[str, Any]], flagged: list[bool]) -> dict[str, Any]:
    return _figures(zip((r["label"] for r in rows), flagged, strict=True))


def _decisions(script: engine.Script, rows: list[Mapping[str, Any]]) -> list[bool]:
    return [bool(engine.scan(r["text"], script)) for r in rows]


def _cached_decisions(
    content_hash: str, script: Callable[[], engine.Script], name: str, path: Path, rows: list
) -> tuple[list[bool], bool]:
    """(decisions, came from the cache)."""
    key = f"triage-script-run:{content_hash}:{path.stem}:{_digest(path)}"
    hit = cache.get(key)
    if hit is not None and len(hit) == len(rows):
        return hit, True
    decisions = _decisions(script(), rows)
    cache.set(key, decisions, CACHE_SECONDS)
    return decisions, False


def run(
    *,
    draft: engine.Script,
    draft_hash: str,
    active: Callable[[], engine.Script] | None,
    active_hash: str,
    specs: Iterable,
    changed_keys: set[str],
    clinic_rows: list[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The report stored on the draft (JSON-able). ``active`` gives the version the draft
    is compared with, compiled only when its figures are not in the cache."""
    sets = []
    any_cached = False
    for name, relative, kind in SETS:
        path = ROOT / relative
        rows = engine.load_cases(path)
        after = _decisions(draft, rows)
        before, cached = (
            _cached_decisions(active_hash, active, name, path, rows)
            if active is not None
            else (after, False)
        )
        any_cached = any_cached or cached
        changed = [
            {"text": r["text"] if kind == TUNED else "", "label": r["label"], "now": a}
            for r, b, a in zip(rows, before, after, strict=True)
            if a != b
        ]
        sets.append(
            {
                "name": name,
                "file": relative,
                "kind": kind,
                "draft": _labelled(rows, after),
                "active": _labelled(rows, before),
                "changed": len(changed),
                "changes": changed[:MAX_SHOWN_CHANGES],
            }
        )
    cases = list(draft.validation_cases)
    if cases:
        sets.insert(
            0,
            {
                "name": "the script's own validation cases",
                "file": "",
                "kind": TUNED,
                "draft": _labelled(cases, _decisions(draft, cases)),
                "active": None,
                "changed": 0,
                "changes": [],
            },
        )
    clinic = None
    if clinic_rows:
        # Figures only: these are patients' words (de-identified), never shown here.
        clinic = {
            "n": len(clinic_rows),
            "draft": _labelled(clinic_rows, _decisions(draft, clinic_rows)),
            "active": _labelled(clinic_rows, _decisions(active(), clinic_rows)) if active else None,
        }
    checks = check_examples(draft, specs)
    examples = [
        {"key": c.key, "text": c.text, "must_match": c.must_match, "ok": c.ok}
        for c in checks
        if not c.ok or c.key in changed_keys
    ]
    return {
        "content_hash": draft_hash,
        "compared_hash": active_hash,
        "run_at": timezone.now().isoformat(),
        "sets": sets,
        "clinic": clinic,
        "examples_checked": len(checks),
        "examples_failing": sum(not c.ok for c in checks),
        "examples": examples,
        "active_from_cache": any_cached,
    }
