"""Compiled rules and how they are indexed for scanning (by their first words)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from .keys import COMMON_PREFIXES, first_token_keys

__all__ = [
    "CompiledRule",
    "KeyBits",
    "Matcher",
    "Plan",
    "RuleSet",
    "StartGroup",
    "build_key_bits",
    "build_rule_set",
]

SEVERITY_ORDER = ("high", "medium", "low")

# Past this many live-member combinations a group stops compiling a regex for each new
# one (it tries all members instead): text crafted to hit many combinations cannot make
# the scan compile without end.
_MAX_COMPILED_SUBSETS = 32
# Relevant-bit patterns a group remembers the live members of.
_MAX_PATTERNS = 256
# Candidate sets (see RuleSet.plan) a rule set remembers the plan of.
_MAX_PLANS = 1024

# Bit 0 of a message's satisfied mask is always set: it stands for "no condition".
_ALWAYS = 1


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
class KeyBits:
    """The required key sets of some rules, one bit each, so a rule's keys check is one AND.

    A message's ``satisfied`` mask has the bit of every key set one of its token prefixes
    is in; a rule can only match when all the bits of its mask are set. Built once per
    lexicon version (see :func:`build_key_bits`); the rules and idioms share one.
    """

    by_prefix: Mapping[str, int]
    # Every prefix the rule set looks up: words of key sets, start and second words.
    vocabulary: frozenset[str]
    bit_of: Mapping[frozenset[str], int]

    def present(self, prefixes: set[str]) -> frozenset[str]:
        """The prefixes of a message that the rule set knows: the only ones worth a lookup."""
        return self.vocabulary.intersection(prefixes)

    def satisfied(self, present: frozenset[str]) -> int:
        """The bits of the key sets that meet ``present`` (see :meth:`present`)."""
        # map and reduce run in C: no Python code per prefix.
        # filter drops the words that set no bit before the (wide) integers are OR-ed.
        return reduce(or_, filter(None, map(self.by_prefix.__getitem__, present)), _ALWAYS)


def _open_keys(rule: CompiledRule) -> tuple[frozenset[str], ...]:
    """The key sets of ``rule`` that reaching it through the index does not already meet.

    A rule is only tried where one of its start words is in the message (and, when all
    of them are common words, one of its second words too), so a key set holding all of
    them is met whenever the rule is tried.
    """
    implied = [rule.start] if rule.start else []
    if rule.start and rule.second and all(_weak(k) for k in rule.start):
        implied.append(rule.second)
    return tuple(keys for keys in rule.keys if not any(keys >= i for i in implied))


def build_key_bits(rules: Iterable[CompiledRule]) -> KeyBits:
    """Bits for the key sets of ``rules`` (one numbering can serve several rule sets)."""
    rules = list(rules)
    # Start, second and first words are looked up in a message's known prefixes too.
    words: set[str] = set()
    for r in rules:
        first = first_token_keys(r.regex.pattern) if r.start is None else None
        words.update(r.start or (), r.second or (), first or ())
    distinct = dict.fromkeys(keys for r in rules for keys in _open_keys(r))
    bit_of = {keys: _ALWAYS << (i + 1) for i, keys in enumerate(distinct)}
    by_prefix: dict[str, int] = dict.fromkeys(words, 0)
    for keys, bit in bit_of.items():
        for k in keys:
            by_prefix[k] = by_prefix.get(k, 0) | bit
    return KeyBits(by_prefix, frozenset(by_prefix), bit_of)


@dataclass(frozen=True, slots=True)
class Matcher:
    """What to try at a start offset: one regex, and the rules it stands for, in priority order.

    With a single rule its own match is the answer; otherwise the first rule matching at
    the offset names it.
    """

    regex: re.Pattern[str]
    rules: tuple[CompiledRule, ...]


@dataclass(frozen=True, slots=True)
class StartGroup:
    """Every rule whose matches start with one token prefix, as one anchored regex.

    ``regex`` is the plain alternation of the members: the regex parser factors out their
    common prefix, so most offsets are rejected after a character or two. Only when it
    matches are the members tried one by one to name the rule.
    """

    regex: re.Pattern[str]
    rules: tuple[CompiledRule, ...]
    # KeyBits masks of the members, and their union (the only bits that decide which
    # members can match).
    masks: tuple[int, ...] = ()
    bits: int = 0
    # One bit per member that its start words do not already set (_ALWAYS when a member
    # has none): a message with none of them cannot match any member, at a single AND.
    telling: int = _ALWAYS
    # Relevant satisfied bits -> the matcher of the members that can match (None: none),
    # and live members -> their matcher. Keyed by which key sets a message meets, never
    # by its text; both bounded, so no stream of messages makes them grow without end.
    _by_bits: dict[int, Matcher | None] = field(default_factory=dict, repr=False, compare=False)
    _by_members: dict[tuple[CompiledRule, ...], Matcher] = field(
        default_factory=dict, repr=False, compare=False
    )

    def live(self, satisfied: int) -> Matcher | None:
        """A matcher for the members whose key sets all meet the message, or None."""
        relevant = satisfied & self.bits
        try:
            return self._by_bits[relevant]
        except KeyError:
            pass
        members = tuple(
            r for r, mask in zip(self.rules, self.masks, strict=True) if relevant & mask == mask
        )
        matcher = self._cached_matcher(members) if members else None
        if len(self._by_bits) < _MAX_PATTERNS:
            self._by_bits[relevant] = matcher
        return matcher

    def among(self, candidates: AbstractSet[CompiledRule]) -> Matcher | None:
        """A matcher for the members in ``candidates`` (a superset of those that match)."""
        members = tuple(filter(candidates.__contains__, self.rules))
        return self._cached_matcher(members) if members else None

    def _cached_matcher(self, members: tuple[CompiledRule, ...]) -> Matcher:
        matcher = self._by_members.get(members)
        if matcher is None:
            if len(self._by_members) >= _MAX_COMPILED_SUBSETS:
                # Trying every member finds the same: the others cannot match.
                members = self.rules
                matcher = self._by_members.get(members)
            if matcher is None:
                matcher = self._by_members[members] = self._matcher(members)
        return matcher

    def _matcher(self, members: tuple[CompiledRule, ...]) -> Matcher:
        if len(members) == 1:
            return Matcher(members[0].regex, members)
        if len(members) == len(self.rules):
            return Matcher(self.regex, members)
        # Members that cannot match never do, so the alternation of the others matches at
        # exactly the same offsets, and naming finds the same first member.
        return Matcher(_alternation(members), members)


@dataclass(frozen=True, slots=True)
class Plan:
    """Where to try a few candidate rules of a rule set, and with which matchers.

    ``anchored``: (needle, start word, matcher); ``pairs``: (needle, common first word,
    second word -> matcher); ``floating``: the candidates with no fixed start, with the
    keys of their first token when known. A needle is a substring the text's padded word
    mask must hold for the word to start a token in it (see crisis._WordStarts).
    """

    anchored: tuple[tuple[str, str, Matcher], ...]
    pairs: tuple[tuple[str, str, Mapping[str, Matcher]], ...]
    floating: tuple[tuple[CompiledRule, frozenset[str] | None], ...]


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
    # The numbering of key sets the masks below (and the groups' masks) are in.
    key_bits: KeyBits = field(default_factory=lambda: KeyBits({}, frozenset(), {}))
    # The mask of each unanchored rule: the bits of all its key sets.
    unanchored_masks: tuple[int, ...] = ()
    # Keys of the token every match of each unanchored rule starts with (None: unknown).
    unanchored_first: tuple[frozenset[str] | None, ...] = ()
    # First word -> the telling bits of all its pair groups (see StartGroup.telling).
    pair_telling: Mapping[str, int] = field(default_factory=dict)
    # Rule -> the start words and (first, second) pairs it is filed under: where to try
    # the few rules a prefilter names, without walking the index.
    start_homes: Mapping[CompiledRule, tuple[str, ...]] = field(default_factory=dict)
    pair_homes: Mapping[CompiledRule, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # Candidate set -> its plan. Keyed by which rules can match a message, never by its
    # text; bounded.
    _plans: dict[frozenset[CompiledRule], Plan] = field(
        default_factory=dict, repr=False, compare=False
    )

    def plan(self, candidates: frozenset[CompiledRule]) -> Plan:
        """The plan for trying ``candidates`` (a superset of the rules that match a text).

        Rules outside ``candidates`` never match, so leaving them out of a group's
        alternation changes neither where it matches nor which member it names first.
        """
        found = self._plans.get(candidates)
        if found is None:
            found = self._plan(candidates)
            if len(self._plans) < _MAX_PLANS:
                self._plans[candidates] = found
        return found

    def _plan(self, candidates: frozenset[CompiledRule]) -> Plan:
        start_keys: set[str] = set()
        pairs: dict[str, set[str]] = {}
        for rule in candidates:
            start_keys.update(self.start_homes.get(rule, ()))
            for first, second in self.pair_homes.get(rule, ()):
                pairs.setdefault(first, set()).add(second)
        anchored = []
        for key in sorted(start_keys):
            matcher = self.groups[key].among(candidates)
            if matcher is not None:
                anchored.append((_needle(key), key, matcher))
        paired = []
        for first in sorted(pairs):
            live = {}
            for second in sorted(pairs[first]):
                matcher = self.pair_groups[(first, second)].among(candidates)
                if matcher is not None:
                    live[second] = matcher
            paired.append((_needle(first), first, live))
        floating = tuple(
            (rule, keys)
            for rule, keys in zip(self.unanchored, self.unanchored_first, strict=True)
            if rule in candidates
        )
        return Plan(tuple(anchored), tuple(paired), floating)


_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}


def _needle(key: str) -> str:
    # Keys are letters and digits; any other (never made by the key extractor) is
    # looked for the slow way, with no shortcut ("" is in every text).
    return " " + key if key.isalnum() else ""


def _weak(key: str) -> bool:
    return len(key) < 3 or key[:3] in COMMON_PREFIXES


def _alternation(members: Iterable[CompiledRule]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{r.regex.pattern})" for r in members))


def _telling_bit(rule: CompiledRule, bit_of: Mapping[frozenset[str], int]) -> int:
    """The bit of the rule's most selective open key set, or _ALWAYS when it has none."""
    open_keys = _open_keys(rule)  # most selective first
    return bit_of[open_keys[0]] if open_keys else _ALWAYS


def _group(
    members: list[CompiledRule],
    masks: Mapping[CompiledRule, int],
    bit_of: Mapping[frozenset[str], int],
) -> StartGroup:
    # At one offset the first member that matches wins: most severe first, then the
    # longer (more specific) pattern.
    members.sort(key=lambda r: (_SEVERITY_RANK.get(r.severity, 9), -len(r.regex.pattern)))
    member_masks = tuple(masks[r] for r in members)
    return StartGroup(
        _alternation(members),
        tuple(members),
        member_masks,
        reduce(or_, member_masks, 0),
        reduce(or_, (_telling_bit(r, bit_of) for r in members), 0),
    )


def build_rule_set(rules: list[CompiledRule], key_bits: KeyBits | None = None) -> RuleSet:
    """Index ``rules``; ``key_bits`` is a numbering built with (at least) these rules."""
    if key_bits is None:
        key_bits = build_key_bits(rules)
    bit_of = key_bits.bit_of
    first_keys = {r: first_token_keys(r.regex.pattern) for r in rules if r.start is None}
    masks = {r: reduce(or_, (bit_of[k] for k in _open_keys(r)), 0) for r in rules}
    by_start: dict[str, list[CompiledRule]] = {}
    by_pair: dict[tuple[str, str], list[CompiledRule]] = {}
    start_homes: dict[CompiledRule, list[str]] = {}
    pair_homes: dict[CompiledRule, list[tuple[str, str]]] = {}
    unanchored = []
    for r in rules:
        if r.start is None:
            unanchored.append(r)
            continue
        for k in r.start:
            if _weak(k) and r.second:
                for k2 in r.second:
                    by_pair.setdefault((k, k2), []).append(r)
                    pair_homes.setdefault(r, []).append((k, k2))
            else:
                by_start.setdefault(k, []).append(r)
                start_homes.setdefault(r, []).append(k)
    groups = {k: _group(v, masks, bit_of) for k, v in by_start.items()}
    pairs = {k: _group(v, masks, bit_of) for k, v in by_pair.items()}
    seconds: dict[str, set[str]] = {}
    pair_telling: dict[str, int] = {}
    for (first, second), group in pairs.items():
        seconds.setdefault(first, set()).add(second)
        pair_telling[first] = pair_telling.get(first, 0) | group.telling
    return RuleSet(
        groups,
        frozenset(groups),
        pairs,
        frozenset(seconds),
        tuple(unanchored),
        {k: frozenset(v) for k, v in seconds.items()},
        key_bits,
        tuple(masks[r] for r in unanchored),
        tuple(first_keys[r] for r in unanchored),
        pair_telling,
        {r: tuple(keys) for r, keys in start_homes.items()},
        {r: tuple(pairs) for r, pairs in pair_homes.items()},
    )
