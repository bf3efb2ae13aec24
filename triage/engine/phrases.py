"""Crisis phrases written in plain words, compiled into lexicon rules.

A clinical lead writes a phrase the way a patient would say it; this module turns it
into a lexicon pattern (see ``patterns.to_regex`` for what the compiler then does with
letters, spaces and apostrophes). The plain syntax:

* words separated by spaces: ``saving up my pills``. Case, accents, repeated letters
  and apostrophes never matter ("Ive", "I’ve" and "I've" are one word);
* ``*`` on its own: one to three words of anything (``saving * pills``);
* ``word*``: a word and any ending (``overdos*``: overdose, overdosing);
* ``a/b/c``: any one of these words (``pills/tablets/meds``);
* ``[words]``: words that may be left out (``saving [up] my pills``).

Spelling variants ("pillz", "myslef") come from the language's spelling list when the
lexicon is compiled, so a phrase never lists them. A phrase may instead carry an
advanced ``pattern`` (the lexicon's regex dialect); it is never required.

Pure: no Django. A phrase is plain data (``PhraseSpec``); ``lexicon_entry`` gives the
rule (or idiom) the lexicon document holds for it, and ``check_examples`` runs its
examples through a compiled script.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .crisis import scan
from .lexicon import CATEGORIES, SEVERITIES, LexiconError, compile_pattern
from .normalize import normalize
from .spelling import SpellingConfig

__all__ = [
    "CRISIS",
    "IDIOM",
    "WHOSE_RISK",
    "ExampleCheck",
    "PhraseError",
    "PhraseSpec",
    "check_examples",
    "lexicon_entry",
    "phrase_key",
    "phrase_to_pattern",
    "plain_phrase_of",
    "spelling_variants",
    "whose_risk_of",
]

CRISIS, IDIOM = "crisis", "idiom"
# Whose risk, in a clinical lead's words -> the engine's subject of a signal. "auto"
# lets the sentence decide ("my brother wants to die" is about someone else).
WHOSE_RISK: dict[str, str] = {
    "self": "self",
    "from_someone": "self",  # the patient, at risk from someone else (abuse)
    "other": "third_party",
    "child": "third_party",
    "auto": "auto",
}
MAX_WILDCARD_WORDS = 3
_ALLOWED = re.compile(r"[^\w\s'’*/\[\]-]")
_WORD = re.compile(r"^[^\W_]+(?:['’][^\W_]+)*\*?$")


class PhraseError(ValueError):
    """A phrase that cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class PhraseSpec:
    """One crisis phrase (or one idiom: words that are NOT a crisis) as plain data."""

    key: str
    language: str
    kind: str = CRISIS
    phrase: str = ""
    pattern: str = ""
    category: str = ""
    subtype: str = ""
    severity: str = ""
    whose_risk: str = "auto"
    negatable: bool = True
    hyperbole_prone: bool = False
    examples: tuple[Mapping[str, Any], ...] = field(default=())
    note: str = ""

    def source(self) -> str:
        """The lexicon pattern: the advanced one when given, else the compiled phrase."""
        return self.pattern.strip() or phrase_to_pattern(self.phrase)


def _word(word: str) -> str:
    if word == "*":
        rest = MAX_WILDCARD_WORDS - 1
        return rf"\w+( \w+){{0,{rest}}}"
    if "/" in word:
        options = word.split("/")
        if any(not t for t in options):
            raise PhraseError(f"“{word}”: write the choices as word/word, with no empty choice.")
        return "(" + "|".join(_word(t) for t in options) + ")"
    if not _WORD.match(word):
        raise PhraseError(f"“{word}” is not a word: use letters, and * only at its end.")
    if word.endswith("*"):
        return word[:-1] + r"\w*"
    return word


def _tokens(text: str) -> list[str]:
    # Hyphens and dashes separate words the way a space does ("self-harm").
    text = unicodedata.normalize("NFC", text).replace("-", " ")
    bad = _ALLOWED.search(text)
    if bad:
        raise PhraseError(
            f"“{bad.group()}” cannot be used in a phrase: write words, and * / [ ] only "
            "(or use the advanced pattern)."
        )
    return re.findall(r"\[[^\]]*\]|\S+", text)


def phrase_to_pattern(phrase: str) -> str:
    """The lexicon pattern for a plain phrase; raises PhraseError saying what is wrong."""
    tokens = _tokens(phrase or "")
    if not tokens:
        raise PhraseError("Write the phrase: at least one word.")
    parts: list[tuple[str, bool]] = []  # (source, optional)
    for token in tokens:
        if token.startswith("[") and token.endswith("]"):
            inner = token[1:-1].split()
            if not inner or "[" in token[1:-1]:
                raise PhraseError("Put at least one word between [ and ], and no [ inside.")
            parts.append((" ".join(_word(t) for t in inner), True))
        elif "[" in token or "]" in token:
            raise PhraseError("Every [ needs its ] (optional words go between them).")
        else:
            parts.append((_word(token), False))
    if all(optional for _, optional in parts):
        raise PhraseError("At least one word must be required (not all between [ ]).")
    if all(source.startswith(r"\w+") for source, optional in parts if not optional):
        raise PhraseError("Use at least one real word: a phrase cannot be wildcards only.")
    # Optional words carry their own separator, so leaving them out leaves one space.
    out, glue = "", ""
    for source, optional in parts:
        if not optional:
            out, glue = out + glue + source, " "
        elif not glue:  # nothing required before it yet
            out += f"({source} )?"
        else:
            out += f"( {source})?"
    return out


_GROUP_OF_WORDS = re.compile(r"\(((?:[^\W\d_]|')+(?:\|(?:[^\W\d_]|')+)+)\)")


def plain_phrase_of(pattern: str) -> str | None:
    """The plain phrase that compiles to exactly ``pattern``, when there is one.

    Only words and groups of single-word choices ("(pills|meds) saved") qualify; the
    round trip is checked, so a phrase is offered only when it means the same.
    """
    candidate = _GROUP_OF_WORDS.sub(lambda m: m.group(1).replace("|", "/"), pattern)
    if not re.fullmatch(r"[^\W\d_][\w' /]*", candidate):
        return None
    try:
        return candidate if phrase_to_pattern(candidate) == pattern else None
    except PhraseError:
        return None


def whose_risk_of(category: str, subject: str) -> str:
    """Best plain-words reading of an existing rule's subject (for migrated rules)."""
    if subject == "third_party":
        return "other"
    if subject == "self" and category == "abuse_violence":
        return "from_someone"
    return subject if subject in WHOSE_RISK else "auto"


def lexicon_entry(spec: PhraseSpec) -> dict[str, Any]:
    """The lexicon document's entry for ``spec`` (an idiom or a rule)."""
    if spec.kind == IDIOM:
        return {"id": spec.key, "pattern": spec.source()}
    if spec.category not in CATEGORIES:
        raise PhraseError(f"Choose a category ({', '.join(CATEGORIES)}).")
    if spec.subtype not in CATEGORIES[spec.category]:
        raise PhraseError(
            f"Choose a kind of {spec.category}: {', '.join(CATEGORIES[spec.category])}."
        )
    if spec.severity not in SEVERITIES:
        raise PhraseError(f"Choose a severity ({', '.join(SEVERITIES)}).")
    if spec.whose_risk not in WHOSE_RISK:
        raise PhraseError(f"Choose whose risk it is ({', '.join(WHOSE_RISK)}).")
    entry: dict[str, Any] = {
        "id": spec.key,
        "category": spec.category,
        "subtype": spec.subtype,
        "severity": spec.severity,
        "subject": WHOSE_RISK[spec.whose_risk],
        "pattern": spec.source(),
    }
    if not spec.negatable:
        entry["negatable"] = False
    if spec.hyperbole_prone:
        entry["hyperbole_prone"] = True
    if spec.note:
        entry["note"] = spec.note
    return entry


def check_pattern(spec: PhraseSpec, spelling: Mapping | None = None) -> None:
    """Raise PhraseError when the lexicon compiler would refuse the phrase's pattern."""
    try:
        compile_pattern(spec.key, spec.source(), SpellingConfig(spelling) if spelling else None)
    except LexiconError as exc:
        raise PhraseError(f"This phrase cannot be used: {exc.detail}") from None


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def phrase_key(language: str, category: str, phrase: str, taken: Iterable[str]) -> str:
    """A stable id for a new phrase: language, category and its first words."""
    plain = _ascii_fold(phrase)
    slug = "_".join(re.findall(r"[a-z0-9]+", plain.replace("'", "")))[:32] or "phrase"
    base = f"{language}.{category or 'idiom'}.{slug}"
    taken = set(taken)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def spelling_variants(phrase: str, spelling: Mapping | None) -> dict[str, list[str]]:
    """The spellings each plain word of ``phrase`` also matches (shown to the author)."""
    if not spelling:
        return {}
    config = SpellingConfig(spelling)
    out = {}
    for token in re.findall(r"[^\W\d_]+", phrase or ""):
        word = _ascii_fold(token)
        variants = config.variants_of(word)
        if variants:
            out[token] = variants[:8]
    return out


@dataclass(frozen=True)
class ExampleCheck:
    key: str
    text: str
    must_match: bool
    matched: bool

    @property
    def ok(self) -> bool:
        return self.matched == self.must_match


def _found(spec: PhraseSpec, text: str) -> bool:
    folded = normalize(text).text
    return any(rx.search(folded) for rx, *_ in compile_pattern(spec.key, spec.source()))


def check_examples(script: Any, specs: Iterable[PhraseSpec]) -> list[ExampleCheck]:
    """Run every example of every phrase through ``script`` (an engine Script).

    A crisis phrase matches an example when scanning it yields a signal of that phrase
    (negations, hypotheticals and idioms apply, as for a patient's words), or a signal
    of its category where its words are found (a more specific phrase of the category
    named the same words). An idiom matches when its words are found in the example.
    """
    results = []
    for spec in specs:
        for example in spec.examples:
            text = str(example.get("text", ""))
            if spec.kind == IDIOM:
                matched = _found(spec, text)
            else:
                signals = scan(text, script)
                matched = any(s.rule_id == spec.key for s in signals) or (
                    any(s.category == spec.category for s in signals) and _found(spec, text)
                )
            results.append(ExampleCheck(spec.key, text, bool(example.get("match", True)), matched))
    return results
