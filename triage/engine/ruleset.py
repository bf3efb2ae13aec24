"""Compiled rules and how they are indexed for scanning (by their first words)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .keys import COMMON_PREFIXES

__all__ = ["CompiledRule", "RuleSet", "StartGroup", "build_rule_set"]

SEVERITY_ORDER = ("high", "medium", "low")


# eq=False: rules are collected in sets on every scan, and hashing by identity is free
# where hashing the fields would hash each (long) regex.
@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    id: str
    category: str
    subtype: str
    severity: str
    subject: str
    language: str
    negatable: bool
    regex: re.Pattern[str]
    # keys[0] indexes the rule; every set in keys must meet the message's token prefixes.
    keys: tuple[frozenset[str], ...]
    order: int
    # Phrases people also use as a joke ("my boss is gonna kill me lol"): dropped when the
    # message carries a humour marker.
    hyperbole_prone: bool = False
    # Token prefixes every match starts with (None: not fixed, search the whole text).
    start: frozenset[str] | None = None
    # Prefixes of the second token, when fixed: rules starting with a common word ("me",
    # "i", "no") are filed under (first, second) so "me" alone does not try them all.
    second: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class StartGroup:
    """Every rule whose matches start with one token prefix, as one anchored regex.

    ``regex`` is the plain alternation of the members: the regex parser factors out their
    common prefix, so most offsets are rejected after a character or two. Only when it
    matches are the members tried one by one to name the rule.
    """

    regex: re.Pattern[str]
    rules: tuple[CompiledRule, ...]
    # A word (key) at least one member needs besides its first one; None when some member
    # needs nothing more. A message with none of these skips the group altogether.
    need: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules indexed for scanning: start groups, plus the few rules with no fixed start."""

    groups: Mapping[str, StartGroup]
    group_keys: frozenset[str]
    # Common first words: (first, second) prefix pairs -> group.
    pair_groups: Mapping[tuple[str, str], StartGroup]
    pair_keys: frozenset[str]
    unanchored: tuple[CompiledRule, ...]
    # First word -> the second words it has a pair group for: when none of them is in
    # the message, the first word's offsets need not be looked at.
    pair_seconds: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def floating(self, prefixes: set[str]) -> list[CompiledRule]:
        """Unanchored rules whose required words are all in the message."""
        found = []
        for r in self.unanchored:
            for req in r.keys:
                if req.isdisjoint(prefixes):
                    break
            else:
                found.append(r)
        return found


_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}


def _weak(key: str) -> bool:
    return len(key) < 3 or key[:3] in COMMON_PREFIXES


def _group(members: list[CompiledRule]) -> StartGroup:
    # At one offset the first member that matches wins: most severe first, then the
    # longer (more specific) pattern.
    members.sort(key=lambda r: (_SEVERITY_RANK.get(r.severity, 9), -len(r.regex.pattern)))
    source = "|".join(f"(?:{r.regex.pattern})" for r in members)
    needs: list[frozenset[str]] | None = []
    for r in members:
        others = [k for k in r.keys if not (r.start and k <= r.start)]
        if not others or needs is None:
            needs = None
            continue
        needs.append(others[0])  # keys come most selective first
    need = frozenset().union(*needs) if needs is not None else None
    return StartGroup(re.compile(source), tuple(members), need)


def build_rule_set(rules: list[CompiledRule]) -> RuleSet:
    by_start: dict[str, list[CompiledRule]] = {}
    by_pair: dict[tuple[str, str], list[CompiledRule]] = {}
    unanchored = []
    for r in rules:
        if r.start is None:
            unanchored.append(r)
            continue
        for k in r.start:
            if _weak(k) and r.second:
                for k2 in r.second:
                    by_pair.setdefault((k, k2), []).append(r)
            else:
                by_start.setdefault(k, []).append(r)
    groups = {k: _group(v) for k, v in by_start.items()}
    pairs = {k: _group(v) for k, v in by_pair.items()}
    seconds: dict[str, set[str]] = {}
    for first, second in pairs:
        seconds.setdefault(first, set()).add(second)
    return RuleSet(
        groups,
        frozenset(groups),
        pairs,
        frozenset(seconds),
        tuple(unanchored),
        {k: frozenset(v) for k, v in seconds.items()},
    )
