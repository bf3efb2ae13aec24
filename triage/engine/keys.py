"""Index keys: which words every match of a lexicon pattern must contain.

The scanner only runs a pattern when its words are in the message, and only tries it
where its first word starts. These functions work that out from the regex itself (via
the standard library's regex parser), so authors never maintain keyword lists by hand.
A key is a token's first KEY_LENGTH letters, the whole token when shorter, or its first
SHORT_KEY_LENGTH letters for a stem like "self" in "self ?harm".
"""

from __future__ import annotations

import re
from re import _constants as sre_c  # the parser's own opcodes; stable since Python 3.11
from re import _parser as sre_parse

from .normalize import KEY_LENGTH, SHORT_KEY_LENGTH
from .patterns import PatternError

__all__ = [
    "COMMON_PREFIXES",
    "first_token_keys",
    "index_keys",
    "required_keys",
    "second_keys",
    "start_keys",
]

_PRODUCT_CAP = 512


def _is_separator(op: object, av: object) -> bool:
    return op is sre_c.IN and any(
        o is sre_c.CATEGORY and a is sre_c.CATEGORY_NOT_WORD
        for o, a in av  # type: ignore[attr-defined]
    )


def _ends_with_separator(items: list) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if _is_separator(op, av):
        return True
    if op is sre_c.SUBPATTERN:
        return _ends_with_separator(list(av[-1]))
    if op is sre_c.BRANCH:
        return all(_ends_with_separator(list(alt)) for alt in av[1])
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
        inner = _ends_with_separator(list(av[2]))
        return inner if av[0] >= 1 else inner and _ends_with_separator(items[:-1])
    return False


def _exact(items: list) -> set[str] | None:
    """All strings a (small, literal) sequence can match, or None."""
    strings = {""}
    for op, av in items:
        if op is sre_c.LITERAL:
            options = {chr(av)}
        elif op is sre_c.IN and all(o is sre_c.LITERAL for o, _ in av):
            options = {chr(a) for _, a in av}
        elif op is sre_c.SUBPATTERN:
            options = _exact(list(av[-1]))
        elif op is sre_c.BRANCH:
            options = set()
            for alt in av[1]:
                sub = _exact(list(alt))
                if sub is None:
                    return None
                options |= sub
        elif op is sre_c.MAX_REPEAT or op is sre_c.MIN_REPEAT:
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
        # An apostrophe ends the token for the prefilter.
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


def _candidates(items: list, at_word_start: bool, complete_at_end: bool) -> list[set[str]]:
    """Key sets, each one guaranteed to hold the 3-letter prefix of some token of any match."""
    found: list[set[str]] = []
    run: list = []
    run_at_start = at_word_start
    word_start = at_word_start

    def close(complete: bool) -> None:
        nonlocal run
        if run and run_at_start:
            strings = _exact(run)
            keys = _run_keys(strings, complete) if strings else None
            if keys:
                found.append(keys)
        run = []

    for position, (op, av) in enumerate(items):
        last = complete_at_end and position == len(items) - 1
        item_exact = _exact([(op, av)])
        if _is_separator(op, av):
            close(True)
            word_start = True
            continue
        if (
            op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)
            and len(av[2]) == 1
            and _is_separator(*av[2][0])
        ):
            close(av[0] >= 1)
            word_start = av[0] >= 1
            continue
        if op is sre_c.AT and av is sre_c.AT_BOUNDARY:
            close(True)
            word_start = True
            continue
        if item_exact is not None and all(c.isalnum() or c == "'" for s in item_exact for c in s):
            if not run:
                run_at_start = word_start
            run.append((op, av))
            word_start = False
            continue
        # re's parser factors common prefixes out of alternations ("ov(?:erdose|rdose)"):
        # hand the pending literal run to each alternative so it still starts a word.
        prefix, prefix_start = (list(run), run_at_start) if run else ([], word_start)
        close(False)
        if op is sre_c.SUBPATTERN:
            found.extend(_candidates(prefix + list(av[-1]), prefix_start, last))
        elif op is sre_c.BRANCH:
            per_alt = [_best(_candidates(prefix + list(alt), prefix_start, last)) for alt in av[1]]
            if all(per_alt):
                found.append(set().union(*per_alt))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
            found.extend(_candidates(list(av[2]), word_start, False))
        if op not in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] == 0:
                # "(my )?plan": absent or present, "plan" still starts a word.
                word_start = word_start and _ends_with_separator(list(av[2]))
            else:
                word_start = _ends_with_separator([(op, av)])
    close(complete_at_end)
    return found


# Word beginnings so common that indexing a rule by them would run it on most messages.
# fmt: off
COMMON_PREFIXES = _COMMON = frozenset((
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


def _best(candidates: list[set[str]]) -> set[str] | None:
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda keys: (
            not any(k[:3] in _COMMON for k in keys),
            min(len(k) for k in keys),
            -len(keys),
        ),
    )


def parse(regex_source: str) -> list:
    """The parsed form the key functions take (parse once, ask all three)."""
    try:
        return list(sre_parse.parse(regex_source))
    except re.error as exc:
        raise PatternError(f"not a valid regular expression: {exc}") from exc


def required_keys(regex_source: str | list) -> tuple[frozenset[str], ...]:
    """Key sets a match must satisfy, most selective first.

    Each set holds token prefixes (3 letters, or the whole token when shorter); every
    match of ``regex_source`` (the output of :func:`to_regex`, matched on word
    boundaries as the scanner does) contains a token from EACH set. The first set is the
    one to index the pattern by; the others prune it further before the regex runs.
    """
    parsed = parse(regex_source) if isinstance(regex_source, str) else regex_source
    candidates = _candidates(list(parsed), True, True)
    best = _best(candidates)
    if not best:
        raise PatternError(
            "pattern has no literal word the scanner can index (start it with a word, "
            "or put a plain word somewhere every match must contain)"
        )
    rest = {frozenset(c) for c in candidates} - {frozenset(best)}
    return (frozenset(best), *sorted(rest, key=sorted))


def _start_keys(items: list, complete_at_end: bool) -> set[str] | None:
    run: list = []
    for position, (op, av) in enumerate(items):
        exact = _exact([(op, av)])
        if exact is not None and all(c.isalnum() or c == "'" for s in exact for c in s):
            run.append((op, av))
            continue
        if run:
            follows_separator = _is_separator(op, av) or (
                op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)
                and av[0] >= 1
                and len(av[2]) == 1
                and _is_separator(*av[2][0])
            )
            strings = _exact(run)
            return _run_keys(strings, follows_separator) if strings else None
        if op is sre_c.SUBPATTERN:
            return _start_keys(list(av[-1]) + items[position + 1 :], complete_at_end)
        if op is sre_c.BRANCH:
            keys: set[str] = set()
            for alt in av[1]:
                sub = _start_keys(list(alt) + items[position + 1 :], complete_at_end)
                if not sub:
                    return None
                keys |= sub
            return keys
        if op is sre_c.AT and av is sre_c.AT_BOUNDARY:
            continue
        return None
    if not run:
        return None
    strings = _exact(run)
    return _run_keys(strings, complete_at_end) if strings else None


def _is_required_separator(op: object, av: object) -> bool:
    return _is_separator(op, av) or (
        op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)
        and av[0] >= 1  # type: ignore[index]
        and len(av[2]) == 1  # type: ignore[index]
        and _is_separator(*av[2][0])  # type: ignore[index]
    )


def second_keys(regex_source: str | list) -> frozenset[str] | None:
    """Like :func:`start_keys`, for the SECOND token of every match (None if not fixed)."""
    items = parse(regex_source) if isinstance(regex_source, str) else list(regex_source)
    while items and items[0][0] is sre_c.AT:
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


def index_keys(regex_source: str) -> frozenset[str]:
    """The most selective key set of :func:`required_keys`."""
    return required_keys(regex_source)[0]


_HEAD_CAP = 512  # literal heads followed before giving up (alternations multiply them)


def _heads(items: list, prefix: str, found: list[tuple[str, bool]]) -> bool:
    """Collect (literal start, token ends there) of every match of ``items`` after ``prefix``.

    False when the start cannot be told (or there are too many).
    """
    if len(found) > _HEAD_CAP:
        return False
    head = prefix.split("'", 1)[0]
    if "'" in prefix or len(head) >= KEY_LENGTH:
        found.append((prefix, True))  # the key is decided
        return True
    for position, (op, av) in enumerate(items):
        rest = items[position + 1 :]
        if op is sre_c.AT and av is sre_c.AT_BOUNDARY and not prefix:
            continue
        exact = _exact([(op, av)])
        if exact is not None and all(c.isalnum() or c == "'" for s in exact for c in s):
            return all(_heads(rest, prefix + s, found) for s in sorted(exact))
        if op is sre_c.SUBPATTERN:
            # A group with its own flags (say, ignore case) is not read as plain text.
            return not (av[1] or av[2]) and _heads(list(av[-1]) + rest, prefix, found)
        if op is sre_c.BRANCH:
            return all(_heads(list(alt) + rest, prefix, found) for alt in av[1])
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[1] == 1:
            body = list(av[2]) + rest
            return _heads(body, prefix, found) and (av[0] >= 1 or _heads(rest, prefix, found))
        found.append((prefix, _is_required_separator(op, av)))
        return True
    found.append((prefix, True))
    return True


def first_token_keys(regex_source: str | list) -> frozenset[str] | None:
    """Keys of the first token of every match that starts a word, or None when not fixed.

    Unlike :func:`start_keys` this follows alternatives and optional words after a common
    literal start ("i(?:'?l|[\\W_]+wil)", "(?:i )?can't"). A match starting with a
    non-word character (an apostrophe) is left out when the pattern starts with ``\\b``:
    there it needs a word character before it, so it never starts a word.
    """
    items = parse(regex_source) if isinstance(regex_source, str) else list(regex_source)
    bounded = bool(items) and items[0] == (sre_c.AT, sre_c.AT_BOUNDARY)
    found: list[tuple[str, bool]] = []
    if not _heads(items, "", found):
        return None
    keys = set()
    for literal, complete in found:
        if literal.startswith("'") and bounded:
            continue
        run = _run_keys({literal}, complete)
        if not run:
            return None
        keys |= run
    return frozenset(keys) if keys else None
