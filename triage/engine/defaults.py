"""The crisis scan and the advice check with the shipped default script's patterns, for
callers that name no script (tests, benchmarks, the demo). Kept apart from ``crisis``
and ``advice`` because the script module builds on both."""

from __future__ import annotations

from collections.abc import Mapping

from . import advice, crisis
from .advice import AdviceRequest, CompiledAdvice
from .crisis import Signal
from .lexicon import CompiledLexicon
from .script import default_script


def default_lexicon() -> CompiledLexicon:
    """The compiled crisis lexicon of the default triage script."""
    return default_script().compiled_lexicon


def scan(text: str, lexicon: Mapping | CompiledLexicon | None = None) -> tuple[Signal, ...]:
    """All crisis signals in ``text``; with the default script's lexicon unless given one."""
    return crisis.scan(text, default_lexicon() if lexicon is None else lexicon)


def detect_medical_advice(
    text: str, patterns: Mapping | CompiledAdvice | None = None
) -> tuple[AdviceRequest, ...]:
    """Every request for medical advice in ``text``; the default script's patterns unless
    given some."""
    chosen = default_script().compiled_advice if patterns is None else patterns
    return advice.detect_medical_advice(text, chosen)
