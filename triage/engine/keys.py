"""Start words: which word every match of a lexicon pattern starts with.

The scan tries rules at the word starts of a message, a group of rules per start word,
and at one start the first rule of a group that matches names the span (most severe
first, then the most specific): that choice is part of the scan's results, so the group
a rule belongs to is read from the pattern itself. A start word is a token's first
KEY_LENGTH letters, the whole token when shorter, or its first SHORT_KEY_LENGTH letters
for a stem like "self" in "self ?harm". Rules starting with a common word ("me", "i",
"no") are grouped by their second word too. A rule whose start cannot be read this way
is searched for anywhere in the text.

The pattern is read once, when a script is compiled, by a small reader of our own
(not ``re``'s private parser) for the subset the key functions need: literals, classes,
groups, alternation, quantifiers and ``\\b``. It reads them as ``re`` parses them where
that decides a key (``re`` factors a prefix common to all alternatives out of a branch,
which decides some groups); anything else is unknown, and the keys are then None.
"""

from __future__ import annotations

import re

from .patterns import PatternError
from .regex_reader import (
    AT,
    BRANCH,
    CATEGORY,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    SUBPATTERN,
    read,
)

__all__ = ["COMMON_PREFIXES", "is_common", "parse", "second_keys", "start_keys"]

KEY_LENGTH = 5
SHORT_KEY_LENGTH = 3
_PRODUCT_CAP = 512


def _is_separator(op: object, av: object) -> bool:
    return op is IN and any(
        o is CATEGORY and a == "not_word"
        for o, a in av  # type: ignore[attr-defined]
    )


def _exact(items: list) -> set[str] | None:
    """All strings a (small, literal) sequence can match, or None."""
    strings = {""}
    for op, av in items:
        if op is LITERAL:
            options = {av}
        elif op is IN and all(o is LITERAL for o, _ in av):
            options = {a for _, a in av}
        elif op is SUBPATTERN:
            options = _exact(list(av[-1]))
        elif op is BRANCH:
            options = set()
            for alt in av[1]:
                sub = _exact(list(alt))
                if sub is None:
                    return None
                options |= sub
        elif op is MAX_REPEAT or op is MIN_REPEAT:
            lo, hi, sub_items = av
            if (lo, hi) != (0, 1):
                return None
            sub = _exact(list(sub_items))
            if sub is None:
                return None
            options = sub | {""}
        else:
            return None
        if options is None:
            return None
        strings = {a + b for a in strings for b in options}
        if len(strings) > _PRODUCT_CAP:
            return None
    return strings


def _run_keys(strings: set[str], complete: bool) -> set[str] | None:
    """Token keys for a run of literal text that starts a word."""
    keys = set()
    for s in strings:
        head = s.split("'", 1)[0]
        # An apostrophe ends a token (it separates tokens in the text).
        complete_here = True if "'" in s else complete
        if not head or not head.isalnum():
            return None
        if len(head) >= KEY_LENGTH or complete_here:
            keys.add(head[:KEY_LENGTH])
        elif len(head) >= SHORT_KEY_LENGTH:
            keys.add(head[:SHORT_KEY_LENGTH])
        else:
            return None
    return keys


# Word beginnings so common that a rule starting with one is grouped by its second word too.
# fmt: off
COMMON_PREFIXES = frozenset((
    "the", "and", "you", "tha", "wit", "for", "not", "but", "hav", "wan", "don", "goi",
    "fee", "thi", "wha", "abo", "jus", "kno", "can", "get", "lik", "som", "all", "was",
    "are", "any", "tim", "wor", "wil", "wou", "cou", "sho", "rea", "rig", "now", "tod",
    "las", "nig", "mor", "ver", "muc", "him", "her", "she", "his", "bec", "wer", "fro",
    "out", "onl", "eve", "tak", "mak", "say", "sai", "tel", "tol", "one", "whe", "whi",
    "who", "how", "why", "yes", "ple", "hel", "nee", "tho", "mis", "que", "los", "las",
    "por", "con", "par", "una", "uno", "est", "per", "com", "mas", "muy", "hac", "ten",
    "tie", "qui", "dos", "sin", "sob", "des", "cua", "hoy", "del", "pue", "ser", "sie",
    "yo", "me", "mi", "my", "it", "is", "in", "to", "of", "on", "at", "be", "do", "go",
    "so", "no", "he", "we", "im", "i", "a", "y",
))
# fmt: on


def parse(regex_source: str) -> list:
    """The parsed form the key functions take (parse once, ask both)."""
    try:
        re.compile(regex_source)
    except re.error as exc:
        raise PatternError(f"not a valid regular expression: {exc}") from exc
    return read(regex_source)


def _start_keys(items: list, complete_at_end: bool) -> set[str] | None:
    run: list = []
    for position, (op, av) in enumerate(items):
        exact = _exact([(op, av)])
        if exact is not None and all(c.isalnum() or c == "'" for s in exact for c in s):
            run.append((op, av))
            continue
        if run:
            follows_separator = _is_separator(op, av) or (
                op in (MAX_REPEAT, MIN_REPEAT)
                and av[0] >= 1
                and len(av[2]) == 1
                and _is_separator(*av[2][0])
            )
            strings = _exact(run)
            return _run_keys(strings, follows_separator) if strings else None
        if op is SUBPATTERN:
            return _start_keys(list(av[-1]) + items[position + 1 :], complete_at_end)
        if op is BRANCH:
            keys: set[str] = set()
            for alt in av[1]:
                sub = _start_keys(list(alt) + items[position + 1 :], complete_at_end)
                if not sub:
                    return None
                keys |= sub
            return keys
        if op is AT and av == "boundary":
            continue
        return None
    if not run:
        return None
    strings = _exact(run)
    return _run_keys(strings, complete_at_end) if strings else None


def _is_required_separator(op: object, av: object) -> bool:
    return _is_separator(op, av) or (
        op in (MAX_REPEAT, MIN_REPEAT)
        and av[0] >= 1  # type: ignore[index]
        and len(av[2]) == 1  # type: ignore[index]
        and _is_separator(*av[2][0])  # type: ignore[index]
    )


def second_keys(regex_source: str | list) -> frozenset[str] | None:
    """Like :func:`start_keys`, for the SECOND token of every match (None if not fixed)."""
    items = parse(regex_source) if isinstance(regex_source, str) else list(regex_source)
    while items and items[0][0] is AT:
        items = items[1:]
    for position, (op, av) in enumerate(items):
        exact = _exact([(op, av)])
        if exact is not None and all(c.isalnum() for s in exact for c in s):
            continue
        if position and _is_required_separator(op, av):
            keys = _start_keys(items[position + 1 :], True)
            return frozenset(keys) if keys else None
        return None
    return None


def start_keys(regex_source: str | list) -> frozenset[str] | None:
    """Prefixes of the token every match STARTS with, or None when that is not fixed.

    A rule whose matches start with a known token can be tried only where such a token
    starts (``regex.match`` at that offset) instead of searched for across the text.
    """
    items = parse(regex_source) if isinstance(regex_source, str) else list(regex_source)
    keys = _start_keys(items, True)
    return frozenset(keys) if keys else None


def is_common(key: str) -> bool:
    """Whether a start word is too common to group rules by on its own."""
    return len(key) < SHORT_KEY_LENGTH or key[:SHORT_KEY_LENGTH] in COMMON_PREFIXES
