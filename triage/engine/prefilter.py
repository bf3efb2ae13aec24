"""Which lexicon rules can match a message at all, found in one pass in compiled code.

The scanner's word index (see :mod:`.ruleset`) decides in Python which rules to try,
token by token; on a typical message that bookkeeping costs more than the matching. RE2's
``Set`` runs every rule at once over the text as one automaton and names the rules that
match somewhere, in a few microseconds. The scanner then runs only those rules, with
Python's ``re`` as before, so spans, rule ids and every later check are unchanged.

That only works if the answer never leaves out a rule that Python's ``re`` would match.
So each rule is translated from Python's own parse of its regex, and the translation
matches a superset: characters and classes exactly as Python reads them on ASCII text,
every non-ASCII character taken by the class escapes, zero-width assertions (word
boundaries, lookarounds) dropped. When RE2 cannot take a rule, that rule is tried on
every text; when it cannot read a text or gives up on it, the caller falls back to the
word index: slower, same result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from re import _constants as sre_c  # the parser's own opcodes; stable since Python 3.11
from re import _parser as sre_parse

import re2

from .ruleset import CompiledRule

__all__ = ["Prefilter", "re2_source"]

# Python's reading of the class escapes on ASCII, written out for RE2 (whose \s leaves
# out \v and \x1c-\x1f, which Python counts as space).
_CATEGORY = {
    sre_c.CATEGORY_DIGIT: r"0-9",
    sre_c.CATEGORY_NOT_DIGIT: r"\x{0}-\x{2f}\x{3a}-\x{7f}",
    sre_c.CATEGORY_SPACE: r"\x{9}-\x{d}\x{1c}-\x{20}",
    sre_c.CATEGORY_NOT_SPACE: r"\x{0}-\x{8}\x{e}-\x{1b}\x{21}-\x{7f}",
    sre_c.CATEGORY_WORD: r"0-9A-Z_a-z",
    sre_c.CATEGORY_NOT_WORD: r"\x{0}-\x{2f}\x{3a}-\x{40}\x{5b}-\x{5e}\x{60}\x{7b}-\x{7f}",
}
# Beyond ASCII, Python's classes are Unicode ("ж" is a word character, "٣" a digit):
# rather than follow Unicode's tables, a class escape here takes every non-ASCII
# character, which only ever adds matches. A negated class is left ASCII-only inside
# the brackets, so that its complement takes them all.
_NON_ASCII = r"\x{80}-\x{10ffff}"
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)
_RE2_MAX_REPEAT = 1000
_MAX_MEMORY = 256 << 20  # the automaton for the default lexicon needs far less
_MAX_ANSWERS = 4096  # distinct answers remembered (keyed by rules, never by text)


class _Untranslatable(Exception):
    pass


def _char(code: int) -> str:
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else f"\\x{{{code:x}}}"


def _class(items: list) -> str:
    parts = []
    negate = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            parts.append(_char(av))
        elif op is sre_c.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is sre_c.CATEGORY and av in _CATEGORY:
            parts.append(_CATEGORY[av])
        else:
            raise _Untranslatable(op)
    if not parts:
        raise _Untranslatable("empty class")
    if negate:
        return "[^" + "".join(parts) + "]"
    if any(op is sre_c.CATEGORY for op, _ in items):
        parts.append(_NON_ASCII)
    return "[" + "".join(parts) + "]"


def _sequence(items: Iterable) -> str:
    out = []
    for op, av in items:
        if op is sre_c.LITERAL:
            out.append(_char(av))
        elif op is sre_c.NOT_LITERAL:
            out.append(f"[^{_char(av)}]")
        elif op is sre_c.ANY:
            out.append(".")  # neither matches a newline (no DOTALL: see SUBPATTERN)
        elif op is sre_c.IN:
            out.append(_class(list(av)))
        elif op is sre_c.BRANCH:
            out.append("(?:" + "|".join(_sequence(alt) for alt in av[1]) + ")")
        elif op is sre_c.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if add_flags or del_flags:
                raise _Untranslatable("inline flags")
            out.append("(?:" + _sequence(body) + ")")
        elif op is sre_c.ATOMIC_GROUP:
            out.append("(?:" + _sequence(av) + ")")  # backtracking into it only adds matches
        elif op in _REPEATS:
            lo, hi, body = av
            if lo > _RE2_MAX_REPEAT or (hi != sre_c.MAXREPEAT and hi > _RE2_MAX_REPEAT):
                raise _Untranslatable("repeat count")
            upper = "" if hi == sre_c.MAXREPEAT else str(hi)
            out.append(f"(?:{_sequence(body)}){{{lo},{upper}}}")
        elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # a zero-width condition: without it, more texts match, never fewer
        else:
            raise _Untranslatable(op)  # back-references, conditionals
    return "".join(out)


def re2_source(regex_source: str) -> str | None:
    """RE2 syntax matching (at least) every text ``regex_source`` matches, or None."""
    try:
        return _sequence(sre_parse.parse(regex_source))
    except (_Untranslatable, ValueError):
        return None


def _added(rules: re2.Set, source: str) -> bool:
    try:
        rules.Add(source)
    except re2.error:
        return False
    return True


class Prefilter:
    """RE2 over a lexicon's rules: the ones that can match a text, in one pass."""

    __slots__ = ("_always", "_by_found", "_end", "_rules", "_set")

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        options = re2.Options()
        options.max_mem = _MAX_MEMORY
        options.log_errors = False
        self._set: re2.Set | None = re2.Set.SearchSet(options)
        self._rules: list[CompiledRule] = []
        always = []
        for rule in rules:
            source = re2_source(rule.regex.pattern)
            if source is not None and _added(self._set, source):
                self._rules.append(rule)
            else:
                always.append(rule)  # tried on every text, as without a prefilter
        # Matches only at the end of the text: when it is missing from an answer, the
        # automaton gave up part way and the answer cannot be trusted.
        self._end = self._set.Add(r"\z")
        self._always = tuple(always)
        # RE2's answer -> the same frozenset each time (its hash is then computed once).
        self._by_found: dict[tuple[int, ...], frozenset[CompiledRule]] = {}
        try:
            self._set.Compile()
        except re2.error:
            self._set = None

    def candidates(self, text: str) -> frozenset[CompiledRule] | None:
        """The rules that may match ``text``; None when it cannot tell (use the word index)."""
        if self._set is None:
            return None
        try:
            found = self._set.Match(text)
        except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form
            return None
        if not found or self._end not in found:
            return None
        key = tuple(found)
        chosen = self._by_found.get(key)
        if chosen is None:
            rules = self._rules
            chosen = frozenset(rules[i] for i in found if i != self._end).union(self._always)
            if len(self._by_found) < _MAX_ANSWERS:
                self._by_found[key] = chosen
        return chosen
