"""The triage script document: versioned, approved data that drives the whole engine.

A script holds the rule parameters, the crisis lexicon, the medical-advice patterns, the
approved patient-facing texts in every language it supports, and labelled validation
cases. Administrators approve scripts; the engine only reads them. ``default_script()``
is the one shipped in ``data/default_script.json``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .advice import CompiledAdvice, compile_advice
from .lexicon import CompiledLexicon, LexiconError, build_lexicon
from .rules_spec import RuleSpec, parse_rules

__all__ = [
    "REQUIRED_TEXTS",
    "Script",
    "ScriptError",
    "default_script",
    "load_script",
    "validate_document",
]

REQUIRED_TEXTS = (
    "automated_label",
    "clinic_hours",
    "what_happens_next",
    "update_contact",
    "withdraw_consent",
    "crisis_resources",
    "cannot_answer",
    "medical_advice_decline",
)
_TOP_LEVEL = {
    "version",
    "title",
    "notes",
    "languages",
    "rules",
    "lexicon",
    "advice_patterns",
    "texts",
    "validation_cases",
}
_LABELS = ("crisis", "no_crisis")
_DEFAULT_PATH = Path(__file__).with_name("data") / "default_script.json"


class ScriptError(ValueError):
    """A malformed script document; ``key`` is the dotted path of the bad entry."""

    def __init__(self, key: str, detail: str) -> None:
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail


@dataclass(frozen=True, eq=False)
class Script:
    """A validated triage script. Build it with :meth:`from_dict`."""

    version: str
    languages: tuple[str, ...]
    rules: tuple[RuleSpec, ...]
    lexicon: Mapping[str, Any]
    advice_patterns: Mapping[str, Any]
    texts: Mapping[str, Mapping[str, str]]
    validation_cases: tuple[Mapping[str, Any], ...]
    title: str = ""
    _document: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Script:
        """Validate ``d`` (see :func:`validate_document`) and build a Script from a copy."""
        doc = copy.deepcopy(dict(d)) if isinstance(d, Mapping) else d
        compiled = _validate(doc)
        script = cls(
            version=doc["version"],
            languages=tuple(doc["languages"]),
            rules=compiled["rules"],
            lexicon=doc["lexicon"],
            advice_patterns=doc["advice_patterns"],
            texts=doc["texts"],
            validation_cases=tuple(doc.get("validation_cases", [])),
            title=doc.get("title", ""),
            _document=doc,
        )
        # Compiled once during validation; keep them rather than compile twice.
        script.__dict__["compiled_lexicon"] = compiled["lexicon"]
        script.__dict__["compiled_advice"] = compiled["advice"]
        return script

    def to_dict(self) -> dict[str, Any]:
        """The document this script was built from (a deep copy, JSON-able)."""
        return copy.deepcopy(dict(self._document))

    @cached_property
    def compiled_lexicon(self) -> CompiledLexicon:
        return build_lexicon(self.lexicon)

    @cached_property
    def compiled_advice(self) -> CompiledAdvice:
        return compile_advice(self.advice_patterns)

    def text(self, key: str, language: str) -> str:
        """An approved text; falls back to the script's first language."""
        by_language = self.texts[key]
        return by_language.get(language) or by_language[self.languages[0]]


def _require(cond: bool, key: str, detail: str) -> None:
    if not cond:
        raise ScriptError(key, detail)


def _validate(d: object) -> dict[str, Any]:
    if not isinstance(d, Mapping):
        raise ScriptError("$", "a script document must be a JSON object")
    for key in d:
        _require(key in _TOP_LEVEL, str(key), "unknown top-level key")
    for key in ("version", "languages", "rules", "lexicon", "advice_patterns", "texts"):
        _require(key in d, key, "missing")
    version = d["version"]
    _require(isinstance(version, str) and version.strip() != "", "version", "must be a string")
    langs = d["languages"]
    _require(
        isinstance(langs, list) and bool(langs) and all(isinstance(x, str) and x for x in langs),
        "languages",
        "must be a non-empty list of language codes",
    )
    try:
        lexicon = build_lexicon(d["lexicon"])
    except LexiconError as exc:
        raise ScriptError(f"lexicon.{exc.key}", exc.detail) from None
    try:
        advice = compile_advice(d["advice_patterns"])
    except LexiconError as exc:
        raise ScriptError(f"advice_patterns.{exc.key}", exc.detail) from None
    for lang in langs:
        _require(lang in lexicon.contexts, f"lexicon.languages.{lang}", "missing language")
        _require(
            lang in d["advice_patterns"]["languages"],
            f"advice_patterns.languages.{lang}",
            "missing language",
        )
    _validate_texts(d["texts"], langs)
    try:
        rules = parse_rules(d["rules"])
    except ValueError as exc:
        key = getattr(exc, "key", "rules")
        raise ScriptError(key, getattr(exc, "detail", str(exc))) from None
    _validate_cases(d.get("validation_cases", []), langs)
    return {"rules": rules, "lexicon": lexicon, "advice": advice}


def _validate_texts(texts: object, langs: list[str]) -> None:
    if not isinstance(texts, Mapping):
        raise ScriptError("texts", "must be an object keyed by text id")
    for text_id in REQUIRED_TEXTS:
        _require(text_id in texts, f"texts.{text_id}", "missing required text")
    for text_id, by_lang in texts.items():
        _require(isinstance(by_lang, Mapping), f"texts.{text_id}", "must be keyed by language")
        for lang in langs:
            value = by_lang.get(lang)
            _require(
                isinstance(value, str) and value.strip() != "",
                f"texts.{text_id}.{lang}",
                f"missing text for language {lang!r}",
            )


def _validate_cases(cases: object, langs: list[str]) -> None:
    if not isinstance(cases, list):
        raise ScriptError("validation_cases", "must be a list")
    for i, case in enumerate(cases):
        key = f"validation_cases[{i}]"
        _require(isinstance(case, Mapping), key, "must be an object")
        _require(isinstance(case.get("text"), str), f"{key}.text", "must be a string")
        _require(case.get("label") in _LABELS, f"{key}.label", "must be 'crisis' or 'no_crisis'")
        lang = case.get("language")
        _require(lang is None or lang in langs, f"{key}.language", f"unknown language {lang!r}")


def validate_document(d: Mapping[str, Any]) -> None:
    """Raise :class:`ScriptError` naming the bad key if ``d`` is not a valid script."""
    _validate(d)


def load_script(path: str | Path) -> Script:
    """Read and validate a script document from a JSON file."""
    with Path(path).open(encoding="utf-8") as f:
        return Script.from_dict(json.load(f))


@cache
def default_script() -> Script:
    """The default triage script shipped with the engine (loaded once)."""
    return load_script(_DEFAULT_PATH)
