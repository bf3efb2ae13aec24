"""Crisis scan over free text (English and Spanish).

``scan(text)`` returns every crisis signal in a patient's message: suicide (ideation, plan,
intent, means, past attempt), self-harm, harm to others, abuse or violence at home, and
overdose or medical emergency. The engine errs toward flagging: a negation or a
hypothetical only cancels a match when it sits in the same clause, right before the
phrase, with nothing but filler words in between ("I'm not suicidal", "I would never hurt
myself"); "I'm not okay, I want to die" is still a signal. Idioms ("this homework is
killing me", "me muero de risa") cancel only the matches they overlap.

Signals carry their span in the ORIGINAL text (``text[start:end] == matched``) so the
console can highlight them, and the id of the lexicon rule that fired.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from .lexicon import CompiledLexicon, LanguageContext, compile_lexicon
from .normalize import (
    KEY_LENGTH,
    SHORT_KEY_LENGTH,
    Normalized,
    key_prefixes,
    normalize,
    word_mask,
)
from .ruleset import CompiledRule, Matcher, RuleSet

__all__ = ["SELF", "THIRD_PARTY", "Signal", "default_lexicon", "scan"]

SELF = "self"
THIRD_PARTY = "third_party"
_CONTEXT_WINDOW = 160  # characters looked back for negation, hypotheticals and subject
_AFTER_WINDOW = 24  # "suicidal thoughts: none"


@dataclass(frozen=True, slots=True)
class Signal:
    """One crisis signal found in free text."""

    category: str
    subtype: str
    severity: str
    subject: str
    start: int
    end: int
    matched: str
    rule_id: str
    language: str


@cache
def default_lexicon() -> CompiledLexicon:
    """The compiled lexicon of the default triage script."""
    from .script import default_script  # deferred: script imports this module

    return default_script().compiled_lexicon


def _resolve(lexicon: Mapping | CompiledLexicon | None) -> CompiledLexicon:
    if lexicon is None:
        return default_lexicon()
    if isinstance(lexicon, CompiledLexicon):
        return lexicon
    compiled = getattr(lexicon, "compiled_lexicon", None)  # a Script
    if isinstance(compiled, CompiledLexicon):
        return compiled
    return compile_lexicon(lexicon)


def _is_whole_token(key: str) -> bool:
    """Whether ``key`` stands for a whole token rather than for the tokens it starts.

    A token is keyed by its first KEY_LENGTH letters (and its first SHORT_KEY_LENGTH),
    or whole when shorter: so a key of any other length is a complete token.
    """
    return len(key) != SHORT_KEY_LENGTH and len(key) < KEY_LENGTH


class _WordStarts:
    """Offsets where a token with a given prefix starts, found on demand (memoized)."""

    __slots__ = ("_cache", "_text", "_underscore", "padded")

    def __init__(self, text: str, mask: str) -> None:
        self._text = text
        # In the word mask every separator is a space, so " kil" can only be found where
        # a token starts: str.find does the word-boundary check itself, in C. An
        # underscore before a key is not a word start here (it is a separator in the
        # mask), so it is kept when the text has one.
        self._underscore = "_" in text
        if self._underscore:
            mask = word_mask(text, keep_underscore=True)
        # " " + key in it is a necessary condition for any offset of key (see Plan).
        self.padded = " " + mask + " "
        self._cache: dict[str, list[int]] = {}

    def __call__(self, prefix: str) -> list[int]:
        found = self._cache.get(prefix)
        if found is not None:
            return found
        if not prefix.isalnum():
            found = self._cache[prefix] = self._scan(prefix)
            return found
        find = self.padded.find
        needle = " " + prefix
        # A key shorter than KEY_LENGTH is a whole token ("me", "od", "goin"): what
        # follows must not be a letter or digit (an underscore is fine). Without
        # underscores that is a space, which the needle can carry. A key of
        # SHORT_KEY_LENGTH or KEY_LENGTH letters is a prefix (a superset of the tokens
        # it stands for: the regex decides).
        whole = _is_whole_token(prefix)
        if whole and self._underscore:
            found = self._cache[prefix] = self._find_token(needle)
            return found
        if whole:
            needle += " "
        found = self._cache[prefix] = []
        # The padding shifts offsets by one, which the space in front undoes.
        i = find(needle)
        while i >= 0:
            found.append(i)
            i = find(needle, i + 1)
        return found

    def _find_token(self, needle: str) -> list[int]:
        padded = self.padded
        find = padded.find
        found = []
        n = len(needle)
        i = find(needle)
        while i >= 0:
            if padded[i + n] in " _":
                found.append(i)
            i = find(needle, i + 1)
        return found

    def _scan(self, prefix: str) -> list[int]:
        # Keys are letters and digits; anything else (never produced by the key
        # extractor) is located character by character.
        text, found = self._text, []
        n = len(prefix)
        i = text.find(prefix)
        while i >= 0:
            before_ok = i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
            end = i + n
            after_ok = not _is_whole_token(prefix) or end == len(text) or not text[end].isalnum()
            if before_ok and after_ok:
                found.append(i)
            i = text.find(prefix, i + 1)
        return found


def _search(rule: CompiledRule, text: str, limit: int) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    search = rule.regex.search
    while pos < limit:
        m = search(text, pos)
        if m is None:
            return spans
        start = m.start()
        if start >= limit:
            return spans
        # The regex cannot always carry the left word boundary itself (it would defeat
        # the engine's literal-prefix scan), so it is checked here.
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            pos = start + 1
            continue
        spans.append((start, m.end()))
        pos = m.end()
    return spans


_NEXT_TOKEN = re.compile(rf"[^\W_]*[\W_]+([^\W_]{{1,{KEY_LENGTH}}})")


def find_all(
    rule_set: RuleSet,
    text: str,
    prefixes: AbstractSet[str],
    starts: _WordStarts,
    limit: int | None = None,
    *,
    satisfied: int | None = None,
) -> list[tuple[CompiledRule, int, int]]:
    """Every (rule, start, end) of ``rule_set`` in normalized ``text`` starting before ``limit``.

    Each start offset is tried on its own, so leaving out the offsets from ``limit`` on
    changes nothing about the matches before it. Only rules whose key sets all meet the
    message's ``prefixes`` are tried: the others cannot match. ``satisfied`` is
    ``rule_set.key_bits.satisfied(...)`` of the message when the caller has it; then
    ``prefixes`` need only hold those in ``rule_set.key_bits.vocabulary``.
    """
    if limit is None:
        limit = len(text)
    found: list[tuple[CompiledRule, int, int]] = []
    # Only the prefixes the rule set knows matter below, and they are far fewer.
    present = prefixes if satisfied is not None else rule_set.key_bits.present(prefixes)
    if satisfied is None:
        satisfied = rule_set.key_bits.satisfied(present)
    # Anchored: one regex per start token, tried only where such a token starts.
    groups = rule_set.groups
    for key in rule_set.group_keys.intersection(present):
        group = groups[key]
        if not satisfied & group.telling:
            continue
        matcher = group.live(satisfied)
        if matcher is not None:
            _try_at(matcher, text, starts(key), limit, found)
    _find_pairs(rule_set, text, present, starts, limit, satisfied, found)
    floating = zip(
        rule_set.unanchored, rule_set.unanchored_masks, rule_set.unanchored_first, strict=True
    )
    for rule, mask, first in floating:
        if satisfied & mask != mask:
            continue
        if first is None:
            spans = _search(rule, text, limit)
        else:
            spans = _match_at(rule, text, _offsets(first.intersection(present), starts), limit)
        found.extend((rule, s, e) for s, e in spans)
    return found


def _offsets(keys: frozenset[str], starts: _WordStarts) -> list[int]:
    if len(keys) == 1:
        return starts(next(iter(keys)))
    return sorted(set().union(*map(starts, keys)))


def _match_at(
    rule: CompiledRule, text: str, offsets: list[int], limit: int
) -> list[tuple[int, int]]:
    """What :func:`_search` finds, given every offset where an accepted match can start.

    _search takes the leftmost match from where the last one ended whose start passes
    the word-boundary check: trying the offsets in order, from there, finds the same one.
    """
    spans = []
    pos = 0
    match = rule.regex.match
    for start in offsets:
        if start < pos:
            continue
        if start >= limit:
            break
        m = match(text, start)
        if m is None or (start and (text[start - 1].isalnum() or text[start - 1] == "_")):
            continue
        spans.append((start, m.end()))
        pos = m.end()
    return spans


def _try_at(matcher: Matcher, text: str, offsets: list[int], limit: int, found: list) -> None:
    match = matcher.regex.match
    if len(matcher.rules) == 1:
        rule = matcher.rules[0]
        for offset in offsets:
            if offset >= limit:
                return
            m = match(text, offset)
            if m is not None:
                found.append((rule, offset, m.end()))
        return
    for offset in offsets:
        if offset >= limit:
            return
        if match(text, offset) is not None:
            _name(matcher.rules, text, offset, found)


def _try_one(matcher: Matcher, text: str, offset: int, found: list) -> None:
    m = matcher.regex.match(text, offset)
    if m is None:
        return
    if len(matcher.rules) == 1:
        found.append((matcher.rules[0], offset, m.end()))
    else:
        _name(matcher.rules, text, offset, found)


def _find_pairs(
    rule_set: RuleSet,
    text: str,
    present: AbstractSet[str],
    starts: _WordStarts,
    limit: int,
    satisfied: int,
    found: list,
) -> None:
    """Rules starting with a common word: the next token picks the (much smaller) group."""
    pair_groups = rule_set.pair_groups
    pair_seconds = rule_set.pair_seconds
    pair_telling = rule_set.pair_telling
    for key in rule_set.pair_keys.intersection(present):
        if not satisfied & pair_telling[key]:
            continue
        # A second word is a token of the message, so it is among its prefixes; and a
        # group none of whose members can match is dropped. Both are decided once here
        # rather than at every offset of a common first word.
        live = {}
        for second in pair_seconds[key].intersection(present):
            group = pair_groups[(key, second)]
            if not satisfied & group.telling:
                continue
            matcher = group.live(satisfied)
            if matcher is not None:
                live[second] = matcher
        if live:
            _try_pairs(live, text, starts(key), limit, found)


def _try_pairs(
    live: Mapping[str, Matcher], text: str, offsets: list[int], limit: int, found: list
) -> None:
    """Try, at each offset of a common first word, the group its next word picks."""
    for offset in offsets:
        if offset >= limit:
            break
        m = _NEXT_TOKEN.match(text, offset)
        if m is None:
            continue
        following = m.group(1)
        matcher = live.get(following)
        if matcher is not None:
            _try_one(matcher, text, offset, found)
        if len(following) > SHORT_KEY_LENGTH:
            matcher = live.get(following[:SHORT_KEY_LENGTH])
            if matcher is not None:
                _try_one(matcher, text, offset, found)


def find_candidates(
    rule_set: RuleSet,
    text: str,
    candidates: frozenset[CompiledRule],
    starts: _WordStarts,
    limit: int | None = None,
) -> list[tuple[CompiledRule, int, int]]:
    """What :func:`find_all` finds, given a superset of the rules that match somewhere."""
    if limit is None:
        limit = len(text)
    found: list[tuple[CompiledRule, int, int]] = []
    plan = rule_set.plan(candidates)
    # Most keys of a candidate are not in the text at all ("suici" of "suicidal" is, its
    # misspellings are not): one substring test in C rules each of those out.
    padded = starts.padded
    for needle, key, matcher in plan.anchored:
        if needle in padded:
            _try_at(matcher, text, starts(key), limit, found)
    for needle, first, live in plan.pairs:
        if needle in padded:
            _try_pairs(live, text, starts(first), limit, found)
    for rule, first in plan.floating:
        if first is None:
            spans = _search(rule, text, limit)
        else:
            spans = _match_at(rule, text, _offsets(first, starts), limit)
        found.extend((rule, s, e) for s, e in spans)
    return found


def _name(rules: tuple[CompiledRule, ...], text: str, offset: int, found: list) -> None:
    """Append the first of ``rules`` matching at ``offset`` (their alternation did)."""
    for rule in rules:
        m = rule.regex.match(text, offset)
        if m is not None:
            found.append((rule, offset, m.end()))
            return


def _clause_before(ctx: LanguageContext, text: str, start: int) -> str:
    lo = max(0, start - _CONTEXT_WINDOW)
    for m in ctx.clause_break.finditer(text, lo, start):
        lo = m.end()
    return text[lo:start]


def _subject(ctx: LanguageContext, clause: str) -> str:
    third = first = -1
    for m in ctx.third_party.finditer(clause):
        third = m.end()
    if third < 0:
        return SELF
    for m in ctx.first_person.finditer(clause):
        first = m.end()
    return THIRD_PARTY if third > first else SELF


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _keep(signals: list[tuple[CompiledRule, int, int, str]]) -> list[tuple]:
    """Drop a signal whose span lies inside a more specific one of the same category."""
    kept = []
    for rule, s, e, subject in signals:
        inside = any(
            r.category == rule.category
            and ss <= s
            and e <= ee
            and ((ee - ss) > (e - s) or r.order < rule.order)
            for r, ss, ee, _ in signals
            if (r, ss, ee) != (rule, s, e)
        )
        if not inside:
            kept.append((rule, s, e, subject))
    return kept


def scan(text: str, lexicon: Mapping | CompiledLexicon | None = None) -> tuple[Signal, ...]:
    """All crisis signals in ``text``, in order of position.

    ``lexicon`` is a lexicon document (the ``lexicon`` section of a triage script), a
    compiled lexicon, a :class:`~triage.engine.script.Script`, or None for the default.
    """
    if not text:
        return ()
    lex = _resolve(lexicon)
    norm = normalize(text)
    t = norm.text
    mask = word_mask(t)
    starts = _WordStarts(t, mask)
    # One pass names the rules and idioms that can match at all; when it cannot tell,
    # one lookup of the message's words in the index serves both.
    candidates = lex.prefilter.candidates(t)
    if candidates is not None:
        hits = find_candidates(lex.rule_set, t, candidates, starts)
    else:
        present = lex.key_bits.present(key_prefixes(t, mask))
        satisfied = lex.key_bits.satisfied(present)
        hits = find_all(lex.rule_set, t, present, starts, satisfied=satisfied)
    if not hits:
        return ()
    hits.sort(key=lambda h: (h[1], h[0].order))
    # An idiom only matters where it overlaps a hit, so none starting after the last hit
    # ends is looked for; and only once a hit survives the (cheaper, per hit) context
    # checks: most hits in intake text are negated ("I'm not suicidal").
    last_end = max(e for _, _, e in hits)
    idiom_spans: list[tuple[int, int]] | None = None
    found: list[tuple[CompiledRule, int, int, str]] = []
    humor: bool | None = None
    for rule, s, e in hits:
        if rule.hyperbole_prone:
            if humor is None:
                humor = any(c.humor.search(t) for c in lex.contexts.values())
            if humor:
                continue
        ctx = lex.contexts[rule.language]
        clause = _clause_before(ctx, t, s)
        if _negated_or_hypothetical(lex, rule, t, clause, e):
            continue
        if idiom_spans is None:
            if candidates is not None:
                idioms = find_candidates(lex.idiom_set, t, candidates, starts, last_end)
            else:
                idioms = find_all(lex.idiom_set, t, present, starts, last_end, satisfied=satisfied)
            idiom_spans = [(start, end) for _, start, end in idioms]
        if idiom_spans and _overlaps(idiom_spans, s, e):
            continue
        subject = rule.subject if rule.subject != "auto" else _subject(ctx, clause)
        found.append((rule, s, e, subject))
    # A rule filed under two words of one token ("bur", "burni"), or two branches of one
    # rule, can find the same span twice: the nurse sees it once.
    signals = (_signal(norm, *item) for item in sorted(_keep(found), key=_position))
    return tuple(dict.fromkeys(signals))


def _negated_or_hypothetical(
    lex: CompiledLexicon, rule: CompiledRule, text: str, clause: str, end: int
) -> bool:
    # Patients mix languages ("no tengo suicidal thoughts"): any language's negation or
    # hypothetical counts, not only the one of the rule that matched.
    contexts = lex.contexts.values()
    if rule.negatable and any(
        c.negation_before.search(clause) or c.negation_after.match(text, end, end + _AFTER_WINDOW)
        for c in contexts
    ):
        return True
    return any(c.hypothetical.search(clause) for c in contexts)


def _position(item: tuple) -> tuple[int, int, int]:
    rule, s, e, _ = item
    return (s, -e, rule.order)


def _signal(norm: Normalized, rule: CompiledRule, s: int, e: int, subject: str) -> Signal:
    start, end = norm.to_original(s, e)
    return Signal(
        category=rule.category,
        subtype=rule.subtype,
        severity=rule.severity,
        subject=subject,
        start=start,
        end=end,
        matched=norm.original[start:end],
        rule_id=rule.id,
        language=rule.language,
    )
