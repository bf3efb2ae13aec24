"""Acuity levels and the triage rules as data (the ``rules`` section of a triage script).

A rule is ``{"id", "when", "acuity", "crisis", "text"}``. ``when`` is one of:

* ``{"screener": "phq9", "total_at_least": 20}`` (PHQ-9 or GAD-7 total),
* ``{"screener": "phq9", "item": 9, "item_at_least": 1}`` (one item),
* ``{"screener": "asq", "band": ["acute_positive"]}`` (any screener's band),
* ``{"signal": {"subject": ["self"], "severity": ["high"], "category": [...]}}``
  (free-text crisis signals; every filter optional),
* ``{"advice_request": true}``.

``text`` is the reason shown to the nurse, with placeholders filled from what fired.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .lexicon import CATEGORIES, SEVERITIES

__all__ = [
    "ACUITY_ORDER",
    "EMERGENT",
    "ROUTINE",
    "SOON",
    "URGENT",
    "Acuity",
    "RuleSpec",
    "RuleSpecError",
    "acuity_rank",
    "max_acuity",
    "parse_rules",
]


class Acuity(StrEnum):
    """How soon a case needs a person. Compare with :func:`acuity_rank`, not ``<``."""

    EMERGENT = "emergent"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        return ACUITY_ORDER.index(self)


EMERGENT, URGENT, SOON, ROUTINE = Acuity.EMERGENT, Acuity.URGENT, Acuity.SOON, Acuity.ROUTINE
# The one order of acuity in the project, most pressing first (rank 0, as level 1 of a
# triage scale): the models' choices, the queue's stored rank and the rules all use it.
ACUITY_ORDER: tuple[Acuity, ...] = (EMERGENT, URGENT, SOON, ROUTINE)


def acuity_rank(acuity: str) -> int:
    """0 for emergent down to 3 for routine; raises ValueError for anything else."""
    return ACUITY_ORDER.index(Acuity(acuity))


def max_acuity(*acuities: str) -> Acuity:
    """The most pressing of ``acuities`` (routine when given none)."""
    return min((Acuity(a) for a in acuities), key=acuity_rank, default=ROUTINE)


SCREENER_BANDS = {
    "phq9": ("minimal", "mild", "moderate", "moderately_severe", "severe"),
    "gad7": ("minimal", "mild", "moderate", "severe"),
    "asq": ("negative", "non_acute_positive", "acute_positive"),
    "cssrs": ("none", "low", "moderate", "high"),
}
_ITEMS = {"phq9": (9, 27), "gad7": (7, 21)}
_SUBJECTS = ("self", "third_party")
_PLACEHOLDERS = {
    "screener": {"label", "band", "total", "threshold", "answer", "item"},
    "signal": {"signals", "count"},
    "advice": {"advice", "count"},
}


class RuleSpecError(ValueError):
    def __init__(self, key: str, detail: str) -> None:
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One triage rule from the script. ``kind`` is screener, signal or advice."""

    id: str
    kind: str
    acuity: Acuity
    crisis: bool
    text: str
    screener: str | None = None
    bands: tuple[str, ...] = ()
    total_at_least: int | None = None
    item: int | None = None
    item_at_least: int | None = None
    subjects: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str_list(key: str, value: object, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise RuleSpecError(key, "must be a non-empty list")
    for v in value:
        if v not in allowed:
            raise RuleSpecError(key, f"unknown value {v!r} (allowed: {', '.join(allowed)})")
    return tuple(value)


def _screener_fields(key: str, when: Mapping) -> dict:
    screener = when["screener"]
    if screener not in SCREENER_BANDS:
        raise RuleSpecError(f"{key}.screener", f"unknown screener {screener!r}")
    unknown = set(when) - {"screener", "band", "total_at_least", "item", "item_at_least"}
    if unknown:
        raise RuleSpecError(f"{key}.{sorted(unknown)[0]}", "unknown condition")
    out: dict = {"screener": screener}
    conditions = [k for k in ("band", "total_at_least", "item") if k in when]
    if len(conditions) != 1:
        raise RuleSpecError(key, "needs exactly one of band, total_at_least, item")
    if "band" in when:
        out["bands"] = _str_list(f"{key}.band", when["band"], SCREENER_BANDS[screener])
    elif screener not in _ITEMS:
        raise RuleSpecError(f"{key}.{conditions[0]}", f"{screener} has no total or items")
    elif "total_at_least" in when:
        value = when["total_at_least"]
        if not _int(value) or not 0 <= value <= _ITEMS[screener][1]:
            raise RuleSpecError(f"{key}.total_at_least", "must be an integer within the range")
        out["total_at_least"] = value
    else:
        item, at_least = when["item"], when.get("item_at_least")
        if not _int(item) or not 1 <= item <= _ITEMS[screener][0]:
            raise RuleSpecError(f"{key}.item", "must be an item number of the screener")
        if not _int(at_least) or not 0 <= at_least <= 3:
            raise RuleSpecError(f"{key}.item_at_least", "must be an integer 0-3")
        out["item"], out["item_at_least"] = item, at_least
    return out


def _signal_fields(key: str, signal: object) -> dict:
    if not isinstance(signal, Mapping):
        raise RuleSpecError(key, "must be an object of filters")
    unknown = set(signal) - {"subject", "severity", "category"}
    if unknown:
        raise RuleSpecError(f"{key}.{sorted(unknown)[0]}", "unknown filter")
    out: dict = {}
    if "subject" in signal:
        out["subjects"] = _str_list(f"{key}.subject", signal["subject"], _SUBJECTS)
    if "severity" in signal:
        out["severities"] = _str_list(f"{key}.severity", signal["severity"], SEVERITIES)
    if "category" in signal:
        out["categories"] = _str_list(f"{key}.category", signal["category"], tuple(CATEGORIES))
    return out


def _parse_rule(i: int, d: object, seen: set[str]) -> RuleSpec:
    key = f"rules[{i}]"
    if not isinstance(d, Mapping):
        raise RuleSpecError(key, "must be an object")
    unknown = set(d) - {"id", "when", "acuity", "crisis", "text", "note"}
    if unknown:
        raise RuleSpecError(f"{key}.{sorted(unknown)[0]}", "unknown key")
    rule_id = d.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleSpecError(f"{key}.id", "must be a non-empty string")
    if rule_id in seen:
        raise RuleSpecError(f"{key}.id", f"duplicate rule id {rule_id!r}")
    seen.add(rule_id)
    if d.get("acuity") not in ACUITY_ORDER:
        raise RuleSpecError(f"{key}.acuity", "must be emergent, urgent, soon or routine")
    if not isinstance(d.get("crisis"), bool):
        raise RuleSpecError(f"{key}.crisis", "must be true or false")
    when = d.get("when")
    if not isinstance(when, Mapping) or not when:
        raise RuleSpecError(f"{key}.when", "must be an object")
    if "screener" in when:
        kind, fields = "screener", _screener_fields(f"{key}.when", when)
    elif "signal" in when and len(when) == 1:
        kind, fields = "signal", _signal_fields(f"{key}.when.signal", when["signal"])
    elif when.get("advice_request") is True and len(when) == 1:
        kind, fields = "advice", {}
    else:
        raise RuleSpecError(f"{key}.when", "needs screener, signal or advice_request")
    text = d.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RuleSpecError(f"{key}.text", "must be a non-empty string")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise RuleSpecError(f"{key}.text", f"bad placeholder: {exc}") from None
    bad = names - _PLACEHOLDERS[kind]
    if bad:
        raise RuleSpecError(f"{key}.text", f"unknown placeholder {{{sorted(bad)[0]}}}")
    return RuleSpec(
        id=rule_id, kind=kind, acuity=Acuity(d["acuity"]), crisis=d["crisis"], text=text, **fields
    )


def parse_rules(rules: object) -> tuple[RuleSpec, ...]:
    """Validate the ``rules`` section; raises :class:`RuleSpecError` naming the key."""
    if not isinstance(rules, list) or not rules:
        raise RuleSpecError("rules", "must be a non-empty list")
    seen: set[str] = set()
    return tuple(_parse_rule(i, d, seen) for i, d in enumerate(rules))
