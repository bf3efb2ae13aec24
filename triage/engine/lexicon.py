"""Compile the crisis lexicon (data from the triage script) into regexes to scan with.

The lexicon is part of the versioned script document; see ``data/default_script.json``:

    {"languages": {"en": {"rules": [...], "idioms": [...], "negation": {...},
                          "hypothetical": [...], "third_party": [...], "first_person": [...],
                          "clause_breaks": [...]},
                   "es": {...}}}

Each rule is ``{"id", "category", "subtype", "severity", "subject", "pattern"}`` with an
optional ``"negatable": false`` for phrases whose meaning survives a negation before them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .keys import is_common, parse, second_keys, start_keys
from .patterns import PatternError, split_alternatives, to_regex, word_regex
from .spelling import SpellingConfig, expand_words

__all__ = [
    "CATEGORIES",
    "SEVERITIES",
    "SUBJECTS",
    "CompiledLexicon",
    "CompiledRule",
    "LanguageContext",
    "LexiconError",
    "compile_lexicon",
    "compile_pattern",
]

CATEGORIES: dict[str, tuple[str, ...]] = {
    "suicide": ("ideation", "plan", "intent", "means", "past_attempt"),
    "self_harm": ("current", "intent", "past"),
    "harm_to_others": ("intent", "ideation", "means"),
    "abuse_violence": ("physical", "sexual", "threat", "unsafe_home"),
    "overdose_medical": ("overdose", "medical_emergency", "poisoning"),
}
SEVERITIES = ("high", "medium", "low")
SUBJECTS = ("self", "third_party", "auto")
_RULE_KEYS = {
    "id",
    "category",
    "subtype",
    "severity",
    "subject",
    "pattern",
    "negatable",
    "hyperbole_prone",
    "note",
}


class LexiconError(ValueError):
    """A malformed lexicon; ``key`` names the offending entry (e.g. ``en.rules[3].pattern``)."""

    def __init__(self, key: str, detail: str) -> None:
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail


@dataclass(frozen=True, slots=True)
class LanguageContext:
    """Per-language regexes deciding whether a match is negated, hypothetical or reported."""

    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    hypothetical: re.Pattern[str]
    third_party: re.Pattern[str]
    first_person: re.Pattern[str]
    clause_break: re.Pattern[str]
    humor: re.Pattern[str]


# eq=False: rules are collected in sets and dicts while scanning, and hashing by identity
# is free where hashing the fields would hash each regex.
@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """One branch of a lexicon rule (or idiom, or advice pattern) as a regex.

    A rule whose pattern has top-level alternatives is split into one CompiledRule per
    branch, all with the rule's id and ``order``: each branch reports its own (longest)
    span at a start.
    """

    id: str
    category: str
    subtype: str
    severity: str
    subject: str
    language: str
    negatable: bool
    regex: re.Pattern[str]
    order: int
    # Phrases people also use as a joke ("my boss is gonna kill me lol"): dropped when the
    # message carries a humour marker.
    hyperbole_prone: bool = False
    # The words every match starts with, and the second words when fixed (see keys);
    # None: not fixed, the rule is searched for anywhere.
    start: frozenset[str] | None = None
    second: frozenset[str] | None = None


_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class RuleGroups:
    """Rules grouped by the word (or common word and next word) their matches start with.

    Each group is in priority order: at one start the first member that matches names
    the span, most severe first, then the longer (more specific) pattern.
    """

    by_start: Mapping[str, tuple[CompiledRule, ...]]
    by_pair: Mapping[tuple[str, str], tuple[CompiledRule, ...]]
    pair_starts: frozenset[str]
    anywhere: tuple[CompiledRule, ...]


def _priority(rule: CompiledRule) -> tuple[int, int]:
    return (_SEVERITY_RANK.get(rule.severity, 9), -len(rule.regex.pattern))


def group_rules(rules: tuple[CompiledRule, ...]) -> RuleGroups:
    by_start: dict[str, list[CompiledRule]] = {}
    by_pair: dict[tuple[str, str], list[CompiledRule]] = {}
    anywhere = []
    for rule in rules:
        if rule.start is None:
            anywhere.append(rule)
            continue
        for word in rule.start:
            if is_common(word) and rule.second:
                for second in rule.second:
                    by_pair.setdefault((word, second), []).append(rule)
            else:
                by_start.setdefault(word, []).append(rule)

    def ordered(members: list[CompiledRule]) -> tuple[CompiledRule, ...]:
        return tuple(sorted(members, key=_priority))

    return RuleGroups(
        {word: ordered(members) for word, members in by_start.items()},
        {pair: ordered(members) for pair, members in by_pair.items()},
        frozenset(word for word, _ in by_pair),
        tuple(anywhere),
    )


@dataclass(frozen=True)
class CompiledLexicon:
    rules: tuple[CompiledRule, ...]
    idioms: tuple[CompiledRule, ...]
    contexts: Mapping[str, LanguageContext]
    rule_groups: RuleGroups = field(init=False)
    idiom_groups: RuleGroups = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule_groups", group_rules(self.rules))
        object.__setattr__(self, "idiom_groups", group_rules(self.idioms))


_ESCAPES_AND_CLASSES = re.compile(r"\\.|\[(?:\\.|[^\]])*\]")


def compile_pattern(
    key: str, pattern: object, spelling: SpellingConfig | None = None
) -> list[tuple[re.Pattern[str], frozenset[str] | None, frozenset[str] | None]]:
    """Compile one author pattern into (regex, start words, second words), one per branch.

    "want to die|better off dead" becomes two regexes, each in the group of its own
    first word. Each regex ends at a word boundary; the scanner checks the left one.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise LexiconError(key, "must be a non-empty string")
    if not any(c.isalpha() for c in _ESCAPES_AND_CLASSES.sub("", pattern)):
        raise LexiconError(
            key, "pattern has no plain word: it would match almost any text (put a word in it)"
        )
    try:
        full = to_regex(expand_words(pattern, spelling))
        re.compile(full)
        compiled = []
        for source in split_alternatives(full):
            # A branch that starts with punctuation or a group gets \b, so the regex
            # engine only tries it where a word starts.
            head = "" if source[:1].isalnum() else r"\b"
            regex = re.compile(head + "(?:" + source + r")(?!\w)")
            if regex.match(""):
                raise PatternError("pattern matches the empty string")
            parsed = parse(source)
            compiled.append((regex, start_keys(parsed), second_keys(parsed)))
    except (PatternError, re.error) as exc:
        raise LexiconError(key, str(exc)) from exc
    return compiled


def _compile_alternation(key: str, patterns: object, *, words: bool) -> str:
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise LexiconError(key, "must be a list of non-empty strings")
    if words:
        return word_regex(patterns)
    try:
        parts = [to_regex(p) for p in patterns]
        for p in parts:
            re.compile(p)
    except (PatternError, re.error) as exc:
        raise LexiconError(key, str(exc)) from exc
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _context(lang: str, d: Mapping) -> LanguageContext:
    neg = d.get("negation", {})
    if not isinstance(neg, Mapping):
        raise LexiconError(f"{lang}.negation", "must be an object")
    cues = _compile_alternation(f"{lang}.negation.cues", neg.get("cues", []), words=True)
    fillers = _compile_alternation(f"{lang}.negation.fillers", neg.get("fillers", []), words=True)
    after = _compile_alternation(f"{lang}.negation.after", neg.get("after", []), words=True)
    max_fillers = neg.get("max_fillers", 5)
    if not isinstance(max_fillers, int) or isinstance(max_fillers, bool) or max_fillers < 0:
        raise LexiconError(f"{lang}.negation.max_fillers", "must be a non-negative integer")
    hypo = _compile_alternation(f"{lang}.hypothetical", d.get("hypothetical", []), words=False)
    third = _compile_alternation(f"{lang}.third_party", d.get("third_party", []), words=False)
    first = _compile_alternation(f"{lang}.first_person", d.get("first_person", []), words=False)
    breaks = _compile_alternation(f"{lang}.clause_breaks", d.get("clause_breaks", []), words=True)
    humor = _compile_alternation(f"{lang}.humor_markers", d.get("humor_markers", []), words=False)
    coord = _compile_alternation(
        f"{lang}.negation.coordinators", neg.get("coordinators", []), words=True
    )
    return LanguageContext(
        # The cue must be followed only by "filler" words (I, really, want to, have any...)
        # up to the match: a negation further back belongs to another thought.
        negation_before=re.compile(
            rf"(?<![\w']){cues}(?:[\W_]+(?:{fillers}|\w+[\W_]+{coord}))"
            rf"{{0,{max_fillers}}}[\W_]*$"
        ),
        # Only a form-style answer ("suicidal thoughts: none", "self-harm? no"); a plain
        # "nunca" after the phrase intensifies it ("no despertar nunca").
        negation_after=re.compile(rf"(?: +\w+){{0,2}} *[:=?\-]+ *{after}(?!\w)"),
        hypothetical=re.compile(rf"(?<!\w){hypo}(?!\w)"),
        third_party=re.compile(rf"(?<!\w){third}(?!\w)"),
        first_person=re.compile(rf"(?<![\w']){first}(?!\w)"),
        clause_break=re.compile(rf"[.!?;:,\n¿¡()\"]|(?<!\w){breaks}(?!\w)"),
        humor=re.compile(rf"(?<!\w){humor}(?!\w)"),
    )


def _rule(
    lang: str, i: int, d: object, order: int, seen: set[str], spelling: SpellingConfig
) -> list[CompiledRule]:
    key = f"{lang}.rules[{i}]"
    if not isinstance(d, Mapping):
        raise LexiconError(key, "must be an object")
    unknown = set(d) - _RULE_KEYS
    if unknown:
        raise LexiconError(f"{key}.{sorted(unknown)[0]}", "unknown key")
    rule_id = d.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise LexiconError(f"{key}.id", "must be a non-empty string")
    if rule_id in seen:
        raise LexiconError(f"{key}.id", f"duplicate rule id {rule_id!r}")
    seen.add(rule_id)
    category = d.get("category")
    if category not in CATEGORIES:
        raise LexiconError(f"{key}.category", f"unknown category {category!r}")
    subtype = d.get("subtype")
    if subtype not in CATEGORIES[category]:
        raise LexiconError(f"{key}.subtype", f"unknown subtype {subtype!r} for {category}")
    severity = d.get("severity")
    if severity not in SEVERITIES:
        raise LexiconError(f"{key}.severity", f"must be one of {', '.join(SEVERITIES)}")
    subject = d.get("subject", "auto")
    if subject not in SUBJECTS:
        raise LexiconError(f"{key}.subject", f"must be one of {', '.join(SUBJECTS)}")
    negatable = d.get("negatable", True)
    hyperbole = d.get("hyperbole_prone", False)
    for flag, value in (("negatable", negatable), ("hyperbole_prone", hyperbole)):
        if not isinstance(value, bool):
            raise LexiconError(f"{key}.{flag}", "must be true or false")
    return [
        CompiledRule(
            rule_id,
            category,
            subtype,
            severity,
            subject,
            lang,
            negatable,
            rx,
            order,
            hyperbole,
            start,
            second,
        )
        for rx, start, second in compile_pattern(f"{key}.pattern", d.get("pattern"), spelling)
    ]


def _idiom(lang: str, i: int, d: object, order: int, seen: set[str]) -> list[CompiledRule]:
    key = f"{lang}.idioms[{i}]"
    if not isinstance(d, Mapping) or not isinstance(d.get("id"), str) or not d["id"]:
        raise LexiconError(key, "must be an object with a non-empty id")
    if d["id"] in seen:
        raise LexiconError(f"{key}.id", f"duplicate id {d['id']!r}")
    seen.add(d["id"])
    return [
        CompiledRule(d["id"], "idiom", "idiom", "low", "auto", lang, False, rx, order, False, *keys)
        for rx, *keys in compile_pattern(f"{key}.pattern", d.get("pattern"))
    ]


def _spelling(lang: str, d: object) -> SpellingConfig:
    if d is None:
        return SpellingConfig(None)
    if not isinstance(d, Mapping):
        raise LexiconError(f"{lang}.spelling", "must be an object")
    variants = d.get("variants", {})
    if not isinstance(variants, Mapping) or not all(
        isinstance(v, list) and all(isinstance(x, str) and x for x in v) for v in variants.values()
    ):
        raise LexiconError(f"{lang}.spelling.variants", "must map words to lists of spellings")
    for i, rule in enumerate(d.get("auto_variants", [])):
        if not isinstance(rule, Mapping) or not isinstance(rule.get("replace"), str):
            raise LexiconError(f"{lang}.spelling.auto_variants[{i}]", "needs find and replace")
        try:
            re.compile(rule.get("find", ""))
        except (re.error, TypeError) as exc:
            raise LexiconError(f"{lang}.spelling.auto_variants[{i}].find", str(exc)) from None
    typos = d.get("typos", {})
    if not isinstance(typos, Mapping) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in typos.values()
    ):
        raise LexiconError(f"{lang}.spelling.typos", "must map settings to integers")
    return SpellingConfig(d)


def build_lexicon(lexicon: Mapping) -> CompiledLexicon:
    """Validate and compile a lexicon document; raises :class:`LexiconError` naming the key."""
    if not isinstance(lexicon, Mapping):
        raise LexiconError("lexicon", "must be an object")
    languages = lexicon.get("languages")
    if not isinstance(languages, Mapping) or not languages:
        raise LexiconError("languages", "must be a non-empty object keyed by language code")
    rules: list[CompiledRule] = []
    idioms: list[CompiledRule] = []
    contexts: dict[str, LanguageContext] = {}
    seen: set[str] = set()
    for lang, d in languages.items():
        try:
            if not isinstance(d, Mapping):
                raise LexiconError(lang, "must be an object")
            raw_rules = d.get("rules")
            if not isinstance(raw_rules, list) or not raw_rules:
                raise LexiconError(f"{lang}.rules", "must be a non-empty list")
            spelling = _spelling(lang, d.get("spelling"))
            for i, r in enumerate(raw_rules):
                rules.extend(_rule(lang, i, r, len(rules), seen, spelling))
            raw_idioms = d.get("idioms", [])
            if not isinstance(raw_idioms, list):
                raise LexiconError(f"{lang}.idioms", "must be a list")
            for i, r in enumerate(raw_idioms):
                idioms.extend(_idiom(lang, i, r, len(idioms), seen))
            contexts[lang] = _context(lang, d)
        except LexiconError as exc:
            # Name the key from the top of the lexicon document.
            raise LexiconError(f"languages.{exc.key}", exc.detail) from None
    return CompiledLexicon(
        rules=tuple(rules),
        idioms=tuple(idioms),
        contexts=contexts,
    )


# Compiling takes milliseconds; scanning takes microseconds. Keep the last few compiled
# lexicons, keyed by the identity of the document (held, so the id cannot be reused).
_CACHE: dict[int, tuple[Mapping, CompiledLexicon]] = {}
_CACHE_SIZE = 8


def compile_lexicon(lexicon: Mapping) -> CompiledLexicon:
    """Compile ``lexicon`` once and reuse the result for the same (unmodified) document."""
    hit = _CACHE.get(id(lexicon))
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    compiled = build_lexicon(lexicon)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(lexicon)] = (lexicon, compiled)
    return compiled
