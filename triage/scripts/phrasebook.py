"""Phrase rows -> the engine's phrases -> a version's effective script document.

Reads only; the writes are in triage/scripts/drafts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage import engine
from triage.engine.effective import Override, apply_overrides, build_document
from triage.engine.phrases import PhraseSpec, lexicon_entry
from triage.models import CrisisPhrase, TriageScript


def spec_of(row: CrisisPhrase) -> PhraseSpec:
    return PhraseSpec(
        key=row.key,
        language=row.language,
        kind=row.kind,
        phrase=row.phrase,
        pattern=row.pattern,
        category=row.category,
        subtype=row.subtype,
        severity=row.severity,
        whose_risk=row.whose_risk,
        negatable=row.negatable,
        hyperbole_prone=row.hyperbole_prone,
        examples=tuple(row.examples or ()),
        note=row.note,
    )


def is_phrase_script(script: TriageScript) -> bool:
    """Built from phrase rows (a base version, or a team version on a base)."""
    return script.is_base or script.base_id is not None


def effective_specs(script: TriageScript) -> list[PhraseSpec]:
    rows = list(script.phrases.all())
    if script.is_base:
        return [spec_of(r) for r in rows if not r.removed]
    overrides = [Override(r.key, None if r.removed else spec_of(r)) for r in rows]
    return apply_overrides(effective_specs(script.base), overrides)


def effective_document(script: TriageScript) -> dict[str, Any]:
    """What the version says: the frame's texts and rules with the effective phrases."""
    frame = script.document if script.is_base else script.base.document
    return build_document(
        frame,
        effective_specs(script),
        thresholds=None if script.is_base else (script.threshold_overrides or None),
        version=script.label,
    )


def compiled(script: TriageScript) -> engine.Script:
    """The engine script of a version, compiled once per process for its content
    (compiling and indexing the lexicon takes seconds; a draft is read many times)."""
    return _compiled(script.content_hash, script.label, script.document)


_CACHE: dict[tuple[str, str], engine.Script] = {}
_CACHE_SIZE = 6


def _compiled(content_hash: str, label: str, document: dict) -> engine.Script:
    key = (content_hash, label)
    hit = _CACHE.get(key) if content_hash else None
    if hit is not None:
        return hit
    script = engine.Script.from_dict(document)
    if content_hash:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = script
    return script


def spelling_of(script: TriageScript, language: str) -> dict | None:
    frame = script.document if script.is_base else script.base.document
    return frame["lexicon"]["languages"].get(language, {}).get("spelling")


@dataclass(frozen=True)
class PhraseChange:
    """One phrase that differs between two versions, for reviewers."""

    key: str
    change: str  # "added", "changed", "removed"
    before: PhraseSpec | None
    after: PhraseSpec | None
    fields: tuple[str, ...]

    @property
    def spec(self) -> PhraseSpec:
        return self.after or self.before  # type: ignore[return-value]


_COMPARED = ("phrase", "pattern", "category", "subtype", "severity", "whose_risk", "negatable",
             "hyperbole_prone", "examples", "language", "kind", "note")  # fmt: skip


def phrase_diff(old: TriageScript | None, new: TriageScript) -> list[PhraseChange]:
    """Every phrase added, changed or removed from ``old``'s effective set to ``new``'s."""
    before = {s.key: s for s in effective_specs(old)} if old is not None else {}
    after = {s.key: s for s in effective_specs(new)}
    out = []
    for key, spec in after.items():
        prev = before.get(key)
        if prev is None:
            out.append(PhraseChange(key, "added", None, spec, ()))
            continue
        fields = tuple(f for f in _COMPARED if getattr(prev, f) != getattr(spec, f))
        if fields:
            out.append(PhraseChange(key, "changed", prev, spec, fields))
    out += [PhraseChange(k, "removed", s, None, ()) for k, s in before.items() if k not in after]
    return out


def compared_with(script: TriageScript) -> TriageScript | None:
    """What a draft is reviewed against: the version active for its team (or the base)."""
    active = TriageScript.objects.filter(
        team_id=script.team_id, status=TriageScript.Status.ACTIVE
    ).first()
    if active is None and not script.is_base:
        active = TriageScript.objects.filter(
            team__isnull=True, status=TriageScript.Status.ACTIVE
        ).first()
    if active is not None and active.pk != script.pk and is_phrase_script(active):
        return active
    return script.drafted_from if script.drafted_from_id != script.pk else None


def entry_of(spec: PhraseSpec) -> dict[str, Any]:
    return lexicon_entry(spec)
