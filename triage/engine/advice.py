"""Detect requests for medical advice, so the scripted reply can decline them.

The intake is not a clinician: "should I stop my sertraline?", "what dose of lexapro",
"can I take ibuprofen with lexapro?", "is this normal?", "do I have bipolar?",
"¿puedo dejar de tomar la sertralina?" all get the approved ``medical_advice_decline`` text
and are passed on to a person. The patterns are data in the triage script
(``advice_patterns``), compiled the same way as the crisis lexicon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .lexicon import CompiledRule, LexiconError, compile_pattern
from .normalize import normalize

__all__ = ["ADVICE_KINDS", "AdviceRequest", "compile_advice", "detect_medical_advice"]

ADVICE_KINDS = ("medication_change", "dosage", "interaction", "symptom", "diagnosis")


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    """A span of patient text asking for medical advice."""

    kind: str
    rule_id: str
    start: int
    end: int
    matched: str
    language: str


@dataclass(frozen=True, slots=True)
class CompiledAdvice:
    rules: tuple[CompiledRule, ...]


def compile_advice(patterns: Mapping) -> CompiledAdvice:
    """Validate and compile an ``advice_patterns`` document (raises LexiconError)."""
    languages = patterns.get("languages") if isinstance(patterns, Mapping) else None
    if not isinstance(languages, Mapping) or not languages:
        raise LexiconError("languages", "must be a non-empty object keyed by language code")
    rules: list[CompiledRule] = []
    seen: set[str] = set()
    for lang, items in languages.items():
        if not isinstance(items, list) or not items:
            raise LexiconError(f"languages.{lang}", "must be a non-empty list of patterns")
        for i, d in enumerate(items):
            key = f"languages.{lang}[{i}]"
            if not isinstance(d, Mapping) or not isinstance(d.get("id"), str) or not d["id"]:
                raise LexiconError(key, "must be an object with a non-empty id")
            if d["id"] in seen:
                raise LexiconError(f"{key}.id", f"duplicate id {d['id']!r}")
            seen.add(d["id"])
            if d.get("kind") not in ADVICE_KINDS:
                raise LexiconError(f"{key}.kind", f"must be one of {', '.join(ADVICE_KINDS)}")
            for regex, _, _ in compile_pattern(f"{key}.pattern", d.get("pattern")):
                rules.append(
                    CompiledRule(
                        d["id"], "advice", d["kind"], "low", "self", lang, False, regex, len(rules)
                    )
                )
    return CompiledAdvice(tuple(rules))


def detect_medical_advice(
    text: str, patterns: Mapping | CompiledAdvice
) -> tuple[AdviceRequest, ...]:
    """Every request for medical advice in ``text``, in order of position."""
    if not text:
        return ()
    if isinstance(patterns, CompiledAdvice):
        compiled = patterns
    else:
        compiled = getattr(patterns, "compiled_advice", None) or compile_advice(patterns)
    norm = normalize(text)
    t = norm.text
    found = []
    for rule in compiled.rules:
        pos = 0
        while (m := rule.regex.search(t, pos)) is not None:
            s, e = m.span()
            if s and (t[s - 1].isalnum() or t[s - 1] == "_"):
                pos = s + 1
                continue
            start, end = norm.to_original(s, e)
            found.append(
                AdviceRequest(rule.subtype, rule.id, start, end, text[start:end], rule.language)
            )
            pos = e
    return tuple(sorted(found, key=lambda a: (a.start, a.end, a.rule_id)))
