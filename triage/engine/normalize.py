"""Text normalization for the scanners, with a map from normalized offsets back to the original.

The scanners match lexicon patterns against a normalized form of the patient's text:
casefolded, accents stripped, leetspeak decoded, spaced-out letters joined ("k i l l"),
invisible characters dropped and runs of a repeated letter squeezed to one ("kiiill" and
"kill" both become "kil"; the pattern compiler squeezes patterns the same way).

Speed matters (tens of thousands of messages a second per core), so every step is a C-level
``str.translate`` or one regex pass, and the offset map is only built when a match actually
has to be mapped back. One-to-one substitutions (case, accents, leetspeak) keep offsets
unchanged; the other steps only ever delete characters, and each is recorded as a pass whose
deletions are recomputed on demand.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from operator import itemgetter

__all__ = [
    "KEY_LENGTH",
    "SHORT_KEY_LENGTH",
    "Normalized",
    "fold_char_table",
    "key_prefixes",
    "normalize",
    "squeeze",
    "tokens",
    "word_mask",
]

# Tokens are indexed by their first KEY_LENGTH letters (or whole, when shorter): long
# enough to tell "lastimarme" from "las" and "convulsión" from "con". A pattern word that
# is only a short stem ("self" in "self ?harm") is indexed by its first SHORT_KEY_LENGTH.
KEY_LENGTH = 5
SHORT_KEY_LENGTH = 3


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
# The same text as _SQUEEZE.sub("", ...), found faster: it starts with a character class,
# which the regex engine skips ahead with, where a lookbehind makes it try every offset.
# _SQUEEZE still defines the deletions for the offset map.
_SQUEEZE_FAST = re.compile(r"([a-z])(?=\1)")

# For the token prefilter: every ASCII non-alphanumeric becomes a space.
_ASCII_PUNCT = str.maketrans(
    {chr(c): " " for c in range(128) if not chr(c).isalnum()}
)  # fmt: skip
_NON_WORD = re.compile(r"[\W_]+")
_NON_WORD_CHAR = re.compile(r"[\W_]")
_ASCII_IDENT = {k: v for k, v in _ASCII_PUNCT.items() if k != ord("_")}
_NON_IDENT_CHAR = re.compile(r"\W")


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
# The table as a byte table for Latin-1 text (ASCII left as it is: only what is not ASCII
# is folded). The few Latin-1 characters it maps outside Latin-1 ("µ" to Greek "μ") send
# a text the slow way.
_LATIN1_TARGET = {c: ord(_TABLE.get(c, chr(c))) for c in range(0x80, 0x100)}
_LATIN1_FOLD = bytes(range(0x80)) + bytes(t if t < 0x100 else c for c, t in _LATIN1_TARGET.items())
_LATIN1_UNFOLDABLE = "".join(chr(c) for c, t in _LATIN1_TARGET.items() if t >= 0x100)


def _fold_char(m: re.Match[str]) -> str:
    return _TABLE.get(ord(m.group()), m.group())


def _fold(text: str) -> str:
    """Casefold and strip accents, one character for one character."""
    # str.translate is only fast on pure ASCII. Other text is lowered in C first; Latin-1
    # text (Spanish) is then folded as bytes, also in C; anything else has the table
    # applied to its few non-ASCII characters.
    if text.isascii():
        return text.lower()
    lowered = text.lower()
    if len(lowered) != len(text):  # e.g. "İ" lowers to two characters
        return text.translate(_TABLE)
    try:
        latin1 = lowered.encode("latin-1")
    except UnicodeEncodeError:
        return _NON_ASCII.sub(_fold_char, lowered)
    if any(map(lowered.__contains__, _LATIN1_UNFOLDABLE)):
        return _NON_ASCII.sub(_fold_char, lowered)
    return latin1.translate(_LATIN1_FOLD).decode("latin-1")


def word_mask(text: str, *, keep_underscore: bool = False) -> str:
    """``text`` with every character that is not a letter or digit replaced by a space.

    Same length as ``text``, so offsets carry over: a token of ``text`` starts where a
    non-space follows a space (or the start) in the mask. With ``keep_underscore``,
    underscores stay (for word boundaries as the regex engine sees them).
    """
    if text.isascii():
        return text.translate(_ASCII_IDENT if keep_underscore else _ASCII_PUNCT)
    return (_NON_IDENT_CHAR if keep_underscore else _NON_WORD_CHAR).sub(" ", text)


_HEAD = itemgetter(slice(KEY_LENGTH))
_SHORT_HEAD = itemgetter(slice(SHORT_KEY_LENGTH))


def key_prefixes(text: str, mask: str | None = None) -> set[str]:
    """The index keys of a normalized text: each token's first 5 and first 3 letters.

    ``mask`` is ``word_mask(text)`` when the caller already has it.
    """
    # map() with itemgetter keeps the per-token work in C; the short keys are taken from
    # the (deduplicated) long ones, since a token's first 3 letters are its first 5's.
    keys = set(map(_HEAD, (word_mask(text) if mask is None else mask).split()))
    keys.update(list(map(_SHORT_HEAD, keys)))
    return keys


# For _squeeze_ascii: 0 for a lowercase ASCII letter, 1 for any other byte; and a
# table turning every non-zero byte into 0xFF.
_NOT_LETTER = bytes(0 if 0x61 <= b <= 0x7A else 1 for b in range(256))
_NONZERO_TO_FF = bytes([0] + [0xFF] * 255)


def _squeeze_ascii(text: str) -> str:
    """``_SQUEEZE_FAST.sub("", text)`` for ASCII text, with whole-text integer operations.

    A letter goes when the next character is the same letter. XOR-ing the text with
    itself shifted by one makes that byte zero, OR-ing in the non-letter flags keeps it
    zero only for letters, and the zero bytes become a mask that clears exactly those
    characters; translate then drops them. Every step is one call into C, where the
    regex takes a step per character.
    """
    raw = text.encode("ascii")
    if b"\0" in raw:  # NUL is the deletion marker below
        return _SQUEEZE_FAST.sub("", text)
    n = len(raw)
    whole = int.from_bytes(raw, "big")
    same = whole ^ int.from_bytes(raw[1:] + b"\0", "big")
    same |= int.from_bytes(raw.translate(_NOT_LETTER), "big")
    keep = same.to_bytes(n, "big").translate(_NONZERO_TO_FF)
    if b"\0" not in keep:
        return text
    kept = (whole & int.from_bytes(keep, "big")).to_bytes(n, "big")
    return kept.translate(None, b"\0").decode("ascii")


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
        # Most messages hold none of the symbols: a few substring tests are cheaper
        # than the regex's look at every character.
        if not any(map(t.__contains__, _LEET)) or not _LEET_RE.search(t):
            break
        t = _LEET_RE.sub(_leet_sub, t)
    squeezed = _squeeze_ascii(t) if t.isascii() else _SQUEEZE_FAST.sub("", t)
    if len(squeezed) != len(t):
        passes.append(_Pass(t, "squeeze"))
        t = squeezed
    return Normalized(text, t, tuple(passes))
