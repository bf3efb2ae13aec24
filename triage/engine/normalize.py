"""Text normalization for the scanners, with a map from normalized offsets back to the original.

The scanners match lexicon patterns against a normalized form of the patient's text:
casefolded, accents stripped, leetspeak decoded, spaced-out letters joined ("k i l l"),
invisible characters dropped and runs of a repeated letter squeezed to one ("kiiill" and
"kill" both become "kil"; the pattern compiler squeezes patterns the same way).

Every step is a ``str.translate`` or one regex pass, and the offset map is only built when a
match actually has to be mapped back. One-to-one substitutions (case, accents, leetspeak) keep
offsets unchanged; the other steps only ever delete characters, and each is recorded as a pass
whose deletions are recomputed on demand.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

__all__ = ["Normalized", "fold_char_table", "normalize", "squeeze", "tokens"]


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [range(0x41, 0x5B), range(0xA0, 0x250), range(0x1E00, 0x1F00), range(0xFF01, 0xFF5F)]
    for block in ranges:
        for cp in block:
            ch = chr(cp)
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            ).casefold()
            # Only one-to-one replacements: anything else would shift offsets.
            if len(base) == 1 and base != ch:
                table[cp] = base
    # Typographic punctuation that phones insert for ASCII quotes and dashes.
    for ch in "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060":
        table[ord(ch)] = "'"
    for ch in "\u201c\u201d\u201e\u201f\u2033":
        table[ord(ch)] = '"'
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        table[ord(ch)] = "-"
    table[0x2026] = "."  # a typed ellipsis is a single character
    # Spanish opening marks: ASCII keeps the fast paths (translate, split) on Spanish text.
    table[ord("¿")] = "?"
    table[ord("¡")] = "!"
    # Cyrillic and Greek letters that look Latin: a cheap, well-known way to dodge filters.
    confusables = {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h", "ο": "o",
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
    }  # fmt: skip
    for ch, latin in confusables.items():
        table[ord(ch)] = latin
        table[ord(ch.upper())] = latin
    return table


_TABLE = _build_table()


def fold_char_table() -> dict[int, str]:
    """The one-to-one character folding applied first (a copy, for the pattern compiler)."""
    return dict(_TABLE)


# Characters that carry no letter of their own: combining accents (decomposed input),
# zero-width joiners and spaces, soft hyphens, variation selectors.
_IGNORABLE = re.compile("[\u0300-\u036f\u00ad\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff]+")

# Two or more single letters (or leet digits) separated by the same spacer: "k i l l",
# "s.u.i.c.i.d.e". The leading space anchors the search (sre skips ahead to spaces).
# The spacer must be the same all along, so "q-u-i-e-r-o m-o-r-i-r" stays two words.
# A spacer is one of " .*_-" or a double space; ". " is a sentence end, never a spacer.
_SPACED = re.compile(r" [a-z0-9@$]([ .*_\-]|  )[a-z0-9@$](?:\1[a-z0-9@$])*(?![a-z0-9@$])")
_SPACER = re.compile(r"[ .*_\-]+")

_LEET = {
    "1": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t",
    "!": "i", "|": "l",
}  # fmt: skip
# A leet digit only counts next to a letter: "k1ll" is a word, "took 10 pills" is a number.
# "!" and "|" are punctuation unless they sit between two letters ("k!ll").
# One leading character class lets the regex engine skip straight to candidate symbols.
_LEET_RE = re.compile(
    r"[013457@$!|](?:(?<=[a-z][013457@$])|(?<=[013457@$])(?=[a-z])|(?<=[a-z][!|])(?=[a-z]))"
)

_SQUEEZE = re.compile(r"(?<=([a-z]))\1+")
# Every ASCII non-alphanumeric becomes a space (for tokens()).
_ASCII_PUNCT = str.maketrans(
    {chr(c): " " for c in range(128) if not chr(c).isalnum()}
)  # fmt: skip
_NON_WORD = re.compile(r"[\W_]+")


def squeeze(text: str) -> str:
    """Squeeze runs of a repeated ASCII letter to one letter (used on patterns too)."""
    return _SQUEEZE.sub("", text)


class _Pass:
    """One deletion step: its input text and how to find what it deleted."""

    __slots__ = ("_attach", "_cum", "_out_starts", "kind", "source")

    def __init__(self, source: str, kind: str) -> None:
        self.source = source
        self.kind = kind
        self._out_starts: list[int] | None = None
        self._cum: list[int] = []
        self._attach: dict[int, int] = {}

    def _deletions(self) -> list[tuple[int, int]]:
        if self.kind == "spaced":
            spans = []
            for m in _SPACED.finditer(" " + self.source):
                base = m.start()  # the leading space is not part of the source
                body = m.group()[1:]
                spans.extend((base + s.start(), base + s.end()) for s in _SPACER.finditer(body))
            return spans
        regex = _IGNORABLE if self.kind == "ignorable" else _SQUEEZE
        return [m.span() for m in regex.finditer(self.source)]

    def _build(self) -> None:
        out_starts: list[int] = []
        cum: list[int] = []
        deleted = 0
        for start, end in self._deletions():
            out_starts.append(start - deleted)
            deleted += end - start
            cum.append(deleted)
            # A squeezed repeat or an accent belongs to the letter before it: a highlight
            # that ends on that letter should cover it too. A removed spacer should not.
            if self.kind != "spaced":
                self._attach[start] = end
        self._out_starts = out_starts
        self._cum = cum

    def to_input(self, index: int) -> int:
        if self._out_starts is None:
            self._build()
        k = bisect_right(self._out_starts or [], index)
        return index + (self._cum[k - 1] if k else 0)

    def end_to_input(self, end: int) -> int:
        pos = self.to_input(end - 1) + 1
        return self._attach.get(pos, pos)


class Normalized:
    """A normalized text and the way back to the original offsets."""

    __slots__ = ("_passes", "original", "text")

    def __init__(self, original: str, text: str, passes: tuple[_Pass, ...]) -> None:
        self.original = original
        self.text = text
        self._passes = passes

    @property
    def identity(self) -> bool:
        """True when normalized offsets are original offsets (no deletion happened)."""
        return not self._passes

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty span of the normalized text to the original text."""
        if end <= start:
            raise ValueError("span must be non-empty")
        for p in reversed(self._passes):
            start, end = p.to_input(start), p.end_to_input(end)
        return start, end

    def tokens(self) -> list[str]:
        return tokens(self.text)


def tokens(text: str) -> list[str]:
    """Split on anything that is not a letter or digit (fast path for ASCII text)."""
    if text.isascii():
        return text.translate(_ASCII_PUNCT).split()
    return [t for t in _NON_WORD.split(text) if t]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_char(m: re.Match[str]) -> str:
    return _TABLE.get(ord(m.group()), m.group())


def _fold(text: str) -> str:
    """Casefold and strip accents, one character for one character."""
    if text.isascii():
        return text.lower()
    lowered = text.lower()
    if len(lowered) != len(text):  # e.g. "İ" lowers to two characters
        return text.translate(_TABLE)
    return _NON_ASCII.sub(_fold_char, lowered)


def _leet_sub(m: re.Match[str]) -> str:
    return _LEET[m.group()]


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for scanning; see the module docstring for the steps."""
    passes: list[_Pass] = []
    t = _fold(text)
    if not t.isascii() and _IGNORABLE.search(t):
        passes.append(_Pass(t, "ignorable"))
        t = _IGNORABLE.sub("", t)
    if _SPACED.search(" " + t):
        passes.append(_Pass(t, "spaced"))
        t = _SPACED.sub(lambda m: " " + _SPACER.sub("", m.group()[1:]), " " + t)[1:]
    # Chains like "d13" decode one symbol per pass; three passes cover real obfuscation.
    for _ in range(3):
        if not _LEET_RE.search(t):
            break
        t = _LEET_RE.sub(_leet_sub, t)
    squeezed = _SQUEEZE.sub("", t)
    if len(squeezed) != len(t):
        passes.append(_Pass(t, "squeeze"))
        t = squeezed
    return Normalized(text, t, tuple(passes))
