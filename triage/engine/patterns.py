"""Compile lexicon patterns (data written by people) into regexes over normalized text.

Authors write patterns the natural way ("kill myself", "quitarme la vida", "don't want to
live"); :func:`to_regex` rewrites them for the normalized text the scanner sees:

* letters are folded like the text (case, accents) and runs of one letter squeezed, so
  "kill" matches "kill", "kil" and "KIIILL" alike;
* a space matches any run of spaces or punctuation, and " ?" an optional one;
* an apostrophe is optional ("don't", "dont", "don’t");
* capturing groups become non-capturing (rule ids, not groups, name what matched).

:func:`split_alternatives` then splits a pattern into branches that each start with literal
text, so each branch is tried where its own first word starts (see :mod:`.keys`).
"""

from __future__ import annotations

import re

from .normalize import fold_char_table, squeeze

__all__ = ["PatternError", "split_alternatives", "to_regex", "word_regex"]

_FOLD = fold_char_table()
_QUANTIFIERS = "*+?{"
_SEPARATOR = r"[\W_]+"
_OPTIONAL_SEPARATOR = r"[\W_]*"
_GROUP_HEADERS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")


class PatternError(ValueError):
    """A lexicon pattern that cannot be used; the message says why."""


def _fold(ch: str) -> str:
    return _FOLD.get(ord(ch), ch)


def _escape_end(src: str, i: int) -> int:
    """Index just past the escape sequence starting at ``src[i] == '\\\\'``."""
    if i + 1 >= len(src):
        raise PatternError("pattern ends with a lone backslash")
    nxt = src[i + 1]
    width = {"x": 4, "u": 6, "U": 10}.get(nxt)
    if width:
        return i + width
    if nxt == "N":
        close = src.find("}", i)
        if close < 0:
            raise PatternError("unterminated \\N{...} escape")
        return close + 1
    return i + 2


def _quantifier_end(src: str, i: int) -> int:
    """Index past a quantifier starting at ``i`` (with its lazy/possessive suffix)."""
    if src[i] == "{":
        close = src.find("}", i)
        if close < 0:
            return i + 1  # a literal "{": re treats it so
        i = close + 1
    else:
        i += 1
    if i < len(src) and src[i] in "?+":
        i += 1
    return i


def to_regex(pattern: str) -> str:
    """Rewrite an author's pattern into regex source over normalized text."""
    out: list[str] = []
    last_letter = ""  # the previous emitted token when it was a bare letter
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            end = _escape_end(pattern, i)
            out.append(pattern[i:end])
            last_letter, i = "", end
        elif ch == "[":
            end = i + 1
            if end < n and pattern[end] == "^":
                end += 1
            if end < n and pattern[end] == "]":
                end += 1
            while end < n and pattern[end] != "]":
                end = _escape_end(pattern, end) if pattern[end] == "\\" else end + 1
            if end >= n:
                raise PatternError("unterminated character class")
            body = pattern[i + 1 : end]
            folded = "".join(_fold(c) for c in body) if "\\" not in body else body
            out.append("[" + folded + "]")
            last_letter, i = "", end + 1
        elif ch == "(":
            if pattern.startswith("(?", i):
                header = next((h for h in _GROUP_HEADERS if pattern.startswith(h, i)), None)
                if header is None:
                    raise PatternError(
                        "only (...), (?:...) and lookarounds are allowed, not named groups "
                        "or inline flags"
                    )
                out.append(header)
                i += len(header)
            else:
                out.append("(?:")
                i += 1
            last_letter = ""
        elif ch in _QUANTIFIERS:
            end = _quantifier_end(pattern, i)
            out.append(pattern[i:end])
            last_letter, i = "", end
        elif ch == " ":
            nxt = pattern[i + 1] if i + 1 < n else ""
            if nxt in ("?", "*"):
                out.append(_OPTIONAL_SEPARATOR)
                i += 2
            else:
                out.append(_SEPARATOR)
                i += 1
            last_letter = ""
        elif ch in "'\u2019":
            nxt = pattern[i + 1] if i + 1 < n else ""
            out.append("'" if nxt and nxt in _QUANTIFIERS else "'?")
            last_letter, i = "", i + 1
        elif ch in ".^$|)":
            out.append(ch)
            last_letter, i = "", i + 1
        else:
            c = _fold(ch)
            nxt = pattern[i + 1] if i + 1 < n else ""
            if c.isalpha() and c == last_letter:
                # The text is squeezed, so a doubled letter is one letter; a quantifier on
                # the dropped copy ("kill?") goes with it.
                i += 1
                if nxt and nxt in _QUANTIFIERS:
                    i = _quantifier_end(pattern, i)
                continue
            out.append(re.escape(c) if not c.isalnum() else c)
            last_letter = c if c.isalpha() and not (nxt and nxt in _QUANTIFIERS) else ""
            i += 1
    return "".join(out)


def _split_top(source: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i = _escape_end(source, i)
            continue
        if ch == "[":
            i += 1
            if i < len(source) and source[i] == "^":
                i += 1
            if i < len(source) and source[i] == "]":
                i += 1
            while i < len(source) and source[i] != "]":
                i = _escape_end(source, i) if source[i] == "\\" else i + 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    parts.append(source[start:])
    return parts


def _leading_group(source: str) -> tuple[str, str] | None:
    """``(inner, rest)`` when ``source`` starts with a plain ``(?:inner)`` group."""
    if not source.startswith("(?:"):
        return None
    depth, i = 0, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i = _escape_end(source, i)
            continue
        if ch == "[":
            i += 1
            while i < len(source) and source[i] != "]":
                i = _escape_end(source, i) if source[i] == "\\" else i + 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                rest = source[i + 1 :]
                if rest and rest[0] in _QUANTIFIERS:
                    return None
                return source[3:i], rest
        i += 1
    return None


def split_alternatives(source: str, limit: int = 48, spread: int = 3) -> list[str]:
    """Rewrite regex source as equivalent alternatives that each start with literal text.

    Splits the top-level ``|``, unwraps a group around the whole, and distributes a short
    leading group (``spread`` branches at most) over the rest ("(?:i'm|im) going" ->
    "i'm going", "im going"), up to ``limit`` alternatives in all. Each
    alternative is then grouped by its own first word, and at one start it reports its
    own span.
    """
    done: list[str] = []
    work = [source]
    while work:
        s = work.pop(0)
        parts = _split_top(s)
        if len(parts) > 1:
            work[:0] = parts
            continue
        group = _leading_group(s)
        if group is not None:
            alts = _split_top(group[0])
            # Unwrapping a group that spans the whole alternative adds no work; spreading
            # a leading group over the rest multiplies it, so that is bounded.
            if not group[1] or (len(alts) <= spread and len(done) + len(work) + len(alts) <= limit):
                work[:0] = [a + group[1] for a in alts]
                continue
        done.append(s)
    return done


def word_regex(words: list[str] | tuple[str, ...]) -> str:
    """An alternation of literal words and phrases (cue lists) as regex source."""
    if not words:
        return "(?!)"
    parts = sorted({to_regex(re.escape(squeeze(w.lower())).replace("\\ ", " ")) for w in words})
    return "(?:" + "|".join(sorted(parts, key=len, reverse=True)) + ")"
