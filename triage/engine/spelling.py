"""Spelling variants for lexicon patterns: text-speak, phonetic spellings and typos.

People in distress type fast: "i wnat to end my lfie", "me kiero morir", "cut myslef",
"lo voy a acuchiyar". Rather than rewrite the patient's text (which would break the span
map), the compiler widens each plain word of a pattern to an alternation of its variants:

* ``variants``: a curated map from a word to common spellings ("want": ["wnat", "wan"]);
* ``auto_variants``: substitutions applied to every word ("qu" before e/i -> "k",
  "-ing" -> "-in");
* ``typos``: one adjacent transposition (words of ``transpose_min_length`` letters or
  more) and one dropped letter (``delete_min_length``), never in the first three letters.

All three are data in the language's lexicon, so reviewers see and approve them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .normalize import fold_char_table, normalize

__all__ = ["SpellingConfig", "expand_words"]

_FOLD = fold_char_table()
# A plain word: letters only, between pattern delimiters (start, space, "(", "|" on the
# left; end, space, ")", "|" on the right). Escapes (\w), classes ([a-z]), words with an
# apostrophe or a quantifier on their last letter never qualify, so rewriting is safe.
_WORD = re.compile(r"(?:(?<=[ (|])|^)([^\W\d_]+)(?=[ )|]|$)")
_META = re.compile(r"([.^$*+?{}\[\]\\|()])")


class SpellingConfig:
    """Compiled spelling settings for one language."""

    __slots__ = ("auto", "delete_min", "transpose_min", "variants")

    def __init__(self, d: Mapping | None) -> None:
        d = d or {}
        self.variants: dict[str, tuple[str, ...]] = {
            _fold(k): tuple(v) for k, v in (d.get("variants") or {}).items()
        }
        self.auto = tuple(
            (re.compile(r["find"]), r["replace"]) for r in (d.get("auto_variants") or [])
        )
        typos = d.get("typos") or {}
        self.transpose_min: int = typos.get("transpose_min_length", 0)
        self.delete_min: int = typos.get("delete_min_length", 0)

    def variants_of(self, word: str) -> list[str]:
        out = set(self.variants.get(word, ()))
        combined = word
        for regex, repl in self.auto:
            out.add(regex.sub(repl, word))
            combined = regex.sub(repl, combined)
        out.add(combined)
        n = len(word)
        # Typos keep the first three letters: the index keys stay the same, and the
        # variants share a prefix the regex parser factors out, so they cost little.
        if self.transpose_min and n >= self.transpose_min:
            out.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(3, n - 1))
        if self.delete_min and n >= self.delete_min:
            out.update(word[:i] + word[i + 1 :] for i in range(3, n))
        folded = {normalize(v).text for v in out if v}
        folded.discard(normalize(word).text)
        return sorted(v for v in folded if v)


def _fold(word: str) -> str:
    return word.translate(_FOLD).lower()


def expand_words(pattern: str, config: SpellingConfig | None) -> str:
    """``pattern`` with each plain word replaced by ``(?:word|variant|...)``."""
    if config is None:
        return pattern

    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        variants = config.variants_of(_fold(word))
        if not variants:
            return word
        return "(?:" + "|".join([word, *(_META.sub(r"\\\1", v) for v in variants)]) + ")"

    return _WORD.sub(repl, pattern)
