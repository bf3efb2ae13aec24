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
from dataclasses import dataclass

from .keys import KEY_LENGTH, SHORT_KEY_LENGTH
from .lexicon import CompiledLexicon, CompiledRule, LanguageContext, RuleGroups, compile_lexicon
from .normalize import Normalized, normalize

__all__ = ["SELF", "THIRD_PARTY", "Signal", "scan"]

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


def _resolve(lexicon: Mapping | CompiledLexicon) -> CompiledLexicon:
    if isinstance(lexicon, CompiledLexicon):
        return lexicon
    compiled = getattr(lexicon, "compiled_lexicon", None)  # a Script
    if isinstance(compiled, CompiledLexicon):
        return compiled
    return compile_lexicon(lexicon)


# A token: letters and digits not preceded by a word character (an underscore joins).
_TOKEN = re.compile(r"(?<!\w)[^\W_]+")
# From a token's start, the first KEY_LENGTH letters of the token after it.
_NEXT_TOKEN = re.compile(rf"[^\W_]*[\W_]+([^\W_]{{1,{KEY_LENGTH}}})")


def _start_words(token: str) -> tuple[str, ...]:
    """The start words (see keys) a token is found by: its first 5 and 3 letters, or whole."""
    n = len(token)
    if n >= KEY_LENGTH:
        return (token[:KEY_LENGTH], token[:SHORT_KEY_LENGTH])
    if n == SHORT_KEY_LENGTH:
        return (token,)
    if n > SHORT_KEY_LENGTH:
        return (token[:SHORT_KEY_LENGTH], token)
    return (token,)


def _first_match(members: tuple[CompiledRule, ...], text: str, start: int, found: list) -> None:
    for rule in members:
        m = rule.regex.match(text, start)
        if m is not None:
            found.append((rule, start, m.end()))
            return


def _search(rule: CompiledRule, text: str, limit: int) -> list[tuple[CompiledRule, int, int]]:
    """The leftmost matches of ``rule`` that start a word, one after another."""
    found = []
    pos = 0
    while pos < limit and (m := rule.regex.search(text, pos)) is not None:
        start = m.start()
        if start >= limit:
            break
        # Matches start at a word: the regex cannot always carry that left boundary
        # itself (a \b in front would slow its search for the literal start).
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            pos = start + 1
            continue
        found.append((rule, start, m.end()))
        pos = m.end()
    return found


def find_all(groups: RuleGroups, text: str, limit: int) -> list[tuple[CompiledRule, int, int]]:
    """Every (rule, start, end) of ``groups`` in normalized ``text`` starting before ``limit``.

    At each word start, each group of rules starting with that word gives its first
    member that matches there; rules with no fixed start are searched for.
    """
    found: list[tuple[CompiledRule, int, int]] = []
    by_start, by_pair, pair_starts = groups.by_start, groups.by_pair, groups.pair_starts
    for token in _TOKEN.finditer(text):
        start = token.start()
        if start >= limit:
            break
        for word in _start_words(token.group()):
            members = by_start.get(word)
            if members:
                _first_match(members, text, start, found)
            if word not in pair_starts:
                continue
            following = _NEXT_TOKEN.match(text, start)
            if following is None:
                continue
            second = following.group(1)
            short = second[:SHORT_KEY_LENGTH]
            for key in (second, short) if short != second else (second,):
                members = by_pair.get((word, key))
                if members:
                    _first_match(members, text, start, found)
    for rule in groups.anywhere:
        found.extend(_search(rule, text, limit))
    return found


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


def scan(text: str, lexicon: Mapping | CompiledLexicon) -> tuple[Signal, ...]:
    """All crisis signals in ``text``, in order of position.

    ``lexicon`` is a lexicon document (the ``lexicon`` section of a triage script), a
    compiled lexicon or a :class:`~triage.engine.script.Script` (``engine.scan`` uses
    the default script's when given none).
    """
    if not text:
        return ()
    lex = _resolve(lexicon)
    norm = normalize(text)
    t = norm.text
    hits = find_all(lex.rule_groups, t, len(t))
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
            idioms = find_all(lex.idiom_groups, t, last_end)
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
