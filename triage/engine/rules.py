"""Triage: from an intake's facts to an acuity, with every reason spelled out.

``triage(facts)`` scores the screeners, scans the free text for crisis signals and medical
advice requests, then applies the script's rules. Acuity is the most pressing level of any
rule that fired; every fired rule is listed as a reason a nurse can read. The thresholds
live in the script document, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .advice import AdviceRequest, detect_medical_advice
from .crisis import Signal, scan
from .crisis_model import CrisisModel, ModelScore, concern_level, crisis_decision
from .rules_spec import ROUTINE, SOON, URGENT, Acuity, RuleSpec, acuity_rank, max_acuity
from .screeners import (
    ScreenerResult,
    frequency_words,
    score_asq,
    score_cssrs,
    score_gad7,
    score_phq9,
)
from .script import Script, default_script

__all__ = ["IntakeFacts", "Reason", "TriageDecision", "triage"]

DEFAULT_REASON_ID = "default.routine"
MODEL_REASON_ID = "model.concern"
SET_ASIDE_REASON_ID = "model.set_aside"
# A text only the model flags is a crisis (paged) at the acuity of a medium-severity
# lexicon signal: a nurse reads it soon and decides, rather than an emergency response.
MODEL_ACUITY = URGENT


@dataclass(frozen=True)
class IntakeFacts:
    """Everything the engine needs from an intake, as plain data.

    Screener answers as the scoring functions take them (see ``screeners``); ``None``
    means the screener was not given. ``free_text`` is one string or several (e.g. the
    reason for visit and an extra message).
    """

    phq9: Sequence[int] | None = None
    gad7: Sequence[int] | None = None
    asq: Sequence[str | None] | None = None
    cssrs: Sequence[str | None] | None = None
    free_text: str | Sequence[str] = ()
    language: str = "en"
    age: int | None = None
    phq9_difficulty: int | None = None

    def __post_init__(self) -> None:
        # Frozen, so tuples rather than the caller's (mutable) lists.
        for name in ("phq9", "gad7", "asq", "cssrs"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, (str, bytes)):
                object.__setattr__(self, name, tuple(value))
        text = self.free_text
        object.__setattr__(
            self, "free_text", (text,) if isinstance(text, str) else tuple(text or ())
        )


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that fired, in words for the nurse."""

    rule_id: str
    text: str
    acuity: Acuity = ROUTINE
    crisis: bool = False


@dataclass(frozen=True)
class TriageDecision:
    """The outcome of triage. ``signals`` and ``advice_requests`` are flattened over all
    free texts; the ``*_by_text`` tuples keep them per text (spans index that text)."""

    acuity: Acuity
    crisis: bool
    reasons: tuple[Reason, ...]
    screeners: tuple[ScreenerResult, ...]
    signals_by_text: tuple[tuple[Signal, ...], ...]
    advice_by_text: tuple[tuple[AdviceRequest, ...], ...]
    script_version: str
    # One entry per free text: the model's reading, or None when no model was used.
    model_by_text: tuple[ModelScore | None, ...] = ()
    _by_name: dict[str, ScreenerResult] = field(default_factory=dict, repr=False, compare=False)

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for group in self.signals_by_text for s in group)

    @property
    def advice_requests(self) -> tuple[AdviceRequest, ...]:
        return tuple(a for group in self.advice_by_text for a in group)

    @property
    def text_crisis(self) -> bool:
        """Whether the free text alone is a crisis (``crisis_decision`` on some text)."""
        scores = self.model_by_text or (None,) * len(self.signals_by_text)
        return any(
            crisis_decision(bool(signals), score)
            for signals, score in zip(self.signals_by_text, scores, strict=True)
        )

    @property
    def model_flagged(self) -> bool:
        return any(m is not None and m.flagged for m in self.model_by_text)

    @property
    def model_probability(self) -> float | None:
        """The highest probability over the texts (None when no model ran)."""
        scores = [m.probability for m in self.model_by_text if m is not None]
        return max(scores) if scores else None

    def screener(self, name: str) -> ScreenerResult | None:
        """The result for ``phq9``, ``gad7``, ``asq`` or ``cssrs``, if it was given."""
        return self._by_name.get(name)


def _score(facts: IntakeFacts) -> dict[str, ScreenerResult]:
    results: dict[str, ScreenerResult] = {}
    if facts.phq9 is not None:
        results["phq9"] = score_phq9(facts.phq9, facts.phq9_difficulty)
    if facts.gad7 is not None:
        results["gad7"] = score_gad7(facts.gad7)
    if facts.asq is not None:
        results["asq"] = score_asq(facts.asq)
    if facts.cssrs is not None:
        results["cssrs"] = score_cssrs(facts.cssrs)
    return results


def _quote(s: Signal) -> str:
    subtype = f": {s.subtype.replace('_', ' ')}" if s.subtype else ""
    return f"“{s.matched}” ({s.category.replace('_', ' ')}{subtype})"


def _screener_reason(rule: RuleSpec, result: ScreenerResult) -> str | None:
    fields = {"label": result.label, "band": result.band.replace("_", " "), "total": result.total}
    if rule.bands:
        fired = result.band in rule.bands
    elif rule.total_at_least is not None:
        fired = result.total is not None and result.total >= rule.total_at_least
        fields["threshold"] = rule.total_at_least
    elif rule.item is not None and rule.item_at_least is not None:
        value = result.answers[rule.item - 1]
        fired = value >= rule.item_at_least
        fields.update(item=rule.item, answer=frequency_words(value))
    else:
        return None
    return rule.text.format_map(fields) if fired else None


def _signal_reason(rule: RuleSpec, signals: Sequence[Signal]) -> str | None:
    matching = [
        s
        for s in signals
        if (not rule.subjects or s.subject in rule.subjects)
        and (not rule.severities or s.severity in rule.severities)
        and (not rule.categories or s.category in rule.categories)
    ]
    if not matching:
        return None
    quoted = "; ".join(dict.fromkeys(_quote(s) for s in matching))
    return rule.text.format_map({"signals": quoted, "count": len(matching)})


def _advice_reason(rule: RuleSpec, requests: Sequence[AdviceRequest]) -> str | None:
    if not requests:
        return None
    kinds = ", ".join(dict.fromkeys(r.kind.replace("_", " ") for r in requests))
    return rule.text.format_map({"advice": kinds, "count": len(requests)})


def _model_reason(scores: Sequence[ModelScore | None]) -> Reason | None:
    flagged = [m for m in scores if m is not None and m.flagged]
    if not flagged:
        return None
    top = max(flagged, key=lambda m: m.probability)
    phrases = "; ".join(dict.fromkeys(f"“{p.text}”" for m in flagged for p in m.phrases))
    text = (
        f"Crisis model: {concern_level(top.probability, top.threshold)} concern "
        f"({top.probability:.2f}, threshold {top.threshold:.2f})"
    )
    return Reason(MODEL_REASON_ID, f"{text}: {phrases}" if phrases else text, MODEL_ACUITY, True)


def _set_aside_reason(signals: Sequence[Signal], score: ModelScore) -> Reason:
    quoted = "; ".join(dict.fromkeys(f"“{s.matched}”" for s in signals))
    # The whole text's reading: the match's sentence alone may read higher (a resolved
    # history whose resolution is in the next sentence) yet under its own bar.
    text = (
        f"Phrase list matched {quoted}, but the crisis model reads almost no concern"
        f" ({score.probability:.2f}): not paged; read it yourself"
    )
    return Reason(SET_ASIDE_REASON_ID, text, SOON, False)


def triage(
    facts: IntakeFacts, script: Script | None = None, model: CrisisModel | None = None
) -> TriageDecision:
    """Triage one intake with ``script`` (the default script when None).

    With a ``model``, every free text is also read by the crisis model: a text is a
    crisis when the model's probability reaches its threshold, or when the lexicon finds
    a signal the model does not set aside (``crisis_decision``).

    Raises :class:`~triage.engine.screeners.ScreenerInputError` for invalid answers.
    """
    script = script or default_script()
    results = _score(facts)
    signals_by_text = tuple(scan(t, script.compiled_lexicon) for t in facts.free_text)
    advice_by_text = tuple(
        detect_medical_advice(t, script.compiled_advice) for t in facts.free_text
    )
    advice = [a for group in advice_by_text for a in group]
    model_by_text = tuple(
        model.score(t, matches=[(s.start, s.end) for s in group]) if model else None
        for t, group in zip(facts.free_text, signals_by_text, strict=True)
    )
    reasons: list[Reason] = []
    # Signals in a text the model sets aside fire no crisis rule (see crisis_decision).
    signals = []
    for group, score in zip(signals_by_text, model_by_text, strict=True):
        if group and score is not None and score.sets_aside_lexicon:
            reasons.append(_set_aside_reason(group, score))
        else:
            signals += group
    for rule in script.rules:
        if rule.kind == "screener":
            result = results.get(rule.screener or "")
            text = _screener_reason(rule, result) if result else None
        elif rule.kind == "signal":
            text = _signal_reason(rule, signals)
        else:
            text = _advice_reason(rule, advice)
        if text is not None:
            reasons.append(Reason(rule.id, text, rule.acuity, rule.crisis))
    model_reason = _model_reason(model_by_text)
    if model_reason is not None:
        reasons.append(model_reason)
    acuity = max_acuity(*(r.acuity for r in reasons))
    if acuity == ROUTINE:
        reasons.append(Reason(DEFAULT_REASON_ID, "No rule raised the acuity", ROUTINE, False))
    # Most pressing first, so the console can show the top reasons without sorting.
    reasons.sort(key=lambda r: acuity_rank(r.acuity))
    return TriageDecision(
        acuity=acuity,
        crisis=any(r.crisis for r in reasons),
        reasons=tuple(reasons),
        screeners=tuple(results.values()),
        signals_by_text=signals_by_text,
        advice_by_text=advice_by_text,
        script_version=script.version,
        model_by_text=model_by_text,
        _by_name=results,
    )
