"""The scan's fast paths give exactly what the plain definitions they replace give."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.engine import default_script, scan
from triage.engine.crisis import (
    _NEXT_TOKEN,
    _match_at,
    _offsets,
    _search,
    _WordStarts,
    find_all,
    find_candidates,
)
from triage.engine.keys import first_token_keys
from triage.engine.lexicon import build_lexicon
from triage.engine.normalize import (
    _NON_ASCII,
    _SQUEEZE,
    _SQUEEZE_FAST,
    KEY_LENGTH,
    SHORT_KEY_LENGTH,
    _fold,
    _fold_char,
    _squeeze_ascii,
    key_prefixes,
    normalize,
    tokens,
    word_mask,
)
from triage.engine.ruleset import RuleSet, _open_keys

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.text(max_size=200) | st.text(
    alphabet=st.sampled_from(list("abcdeilmos _-'.,\n0134@$áñ\u0301\u200b²İ")), max_size=200
)


def _word_starts(text: str, prefix: str) -> list[int]:
    """Where a token with ``prefix`` starts, by the definition (character by character)."""
    found = []
    for i in range(len(text)):
        if not text.startswith(prefix, i):
            continue
        if i and (text[i - 1].isalnum() or text[i - 1] == "_"):
            continue
        end = i + len(prefix)
        # A key is a token's first KEY_LENGTH or SHORT_KEY_LENGTH letters, or the whole
        # token when shorter: a key of any other length is a whole token.
        whole = len(prefix) != SHORT_KEY_LENGTH and len(prefix) < KEY_LENGTH
        if whole and end < len(text) and text[end].isalnum():
            continue
        found.append(i)
    return found


@FAST
@given(texts)
def test_key_prefixes_are_the_tokens_first_letters(text):
    toks = tokens(text)
    expected = {t[:KEY_LENGTH] for t in toks} | {t[:SHORT_KEY_LENGTH] for t in toks}
    assert key_prefixes(text) == expected
    assert key_prefixes(text, word_mask(text)) == expected
    assert len(word_mask(text)) == len(text)


@FAST
@given(texts, st.sampled_from(["a", "me", "i", "mi", "kil", "kill", "sui", "abcde", "_a", "o'"]))
def test_word_starts_match_the_definition(text, prefix):
    text = f"{text} {prefix} _{prefix}_{prefix}a {prefix}_"  # word starts, and near misses
    assert _WordStarts(text, word_mask(text))(prefix) == _word_starts(text, prefix)


@FAST
@given(st.text(alphabet=st.sampled_from(list("aabbz .-_Áé1")), max_size=200) | texts)
def test_fast_squeeze_gives_the_same_text(text):
    assert _SQUEEZE_FAST.sub("", text) == _SQUEEZE.sub("", text)
    assert bool(_SQUEEZE_FAST.search(text)) == bool(_SQUEEZE.search(text))


@FAST
@given(st.text(alphabet=st.sampled_from(list("aabbzz .-_!1\x00AZ{`")), max_size=200) | texts)
def test_squeeze_by_integer_operations_gives_what_the_regex_gives(text):
    if text.isascii():
        assert _squeeze_ascii(text) == _SQUEEZE_FAST.sub("", text)


@FAST
@given(st.text(alphabet=st.sampled_from(list("aAáÁñÑéÉüÜµ¿¡ºª²İ😢ж .,!")), max_size=60) | texts)
def test_latin1_folding_gives_what_the_character_table_gives(text):
    lowered = text.lower()
    if len(lowered) == len(text):
        assert _fold(text) == _NON_ASCII.sub(_fold_char, lowered)


def test_word_starts_skip_tokens_that_only_contain_the_key():
    text = "skill killing, kill_me me-me mem"
    starts = _WordStarts(text, word_mask(text))
    assert starts("kil") == [6, 15]
    # Not after the underscore of "kill_me" (a word character to the regex engine).
    assert starts("me") == [m.start() for m in re.finditer(r"(?<!\w)me(?![^\W_])", text)]
    assert starts("me") == [23, 26]
    assert _WordStarts("me_x", word_mask("me_x"))("me") == [0]
    # A four-letter key is a whole token ("goin'"); "going" has a key of its own.
    assert _WordStarts("going goin", word_mask("going goin"))("goin") == [6]


# --- Rule pruning by key bits, and unanchored rules tried only where they can start ---

LEXICON = default_script().compiled_lexicon
FRAGMENTS = [case["text"] for case in default_script().validation_cases] + [
    "i'll kill him",
    "i will stab",
    "she threatened to kill me",
    "i can't take it anymore",
    "me amenazó con un cuchillo",
    "this homework is killing me",
    "me muero de risa",
    "I'm not suicidal",
    "gonna kill",
    "k i l l myself",
    "kys",
    "l",
    "i",
    "me",
]
messages = st.lists(
    st.sampled_from(FRAGMENTS)
    | st.text(alphabet=st.sampled_from(list("aeiklmostu '_-.")), max_size=12),
    max_size=8,
).map(" ".join) | st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("_".join)


def _plain_find_all(rule_set: RuleSet, text: str, limit: int) -> list[tuple]:
    """find_all with no pruning at all: every group and pair of the message's words."""
    prefixes = key_prefixes(text)
    starts = _WordStarts(text, word_mask(text))
    found: list[tuple] = []
    for key in rule_set.group_keys & prefixes:
        for offset in starts(key):
            if offset < limit:
                _first_match(rule_set.groups[key].rules, text, offset, found)
    for (key, second), group in rule_set.pair_groups.items():
        for offset in starts(key) if key in prefixes else ():
            m = _NEXT_TOKEN.match(text, offset)
            if offset >= limit or m is None:
                continue
            following = m.group(1)
            if second == following or (
                len(following) > SHORT_KEY_LENGTH and second == following[:SHORT_KEY_LENGTH]
            ):
                _first_match(group.rules, text, offset, found)
    for rule in rule_set.unanchored:
        found.extend((rule, s, e) for s, e in _search(rule, text, limit))
    return found


def _first_match(rules, text: str, offset: int, found: list) -> None:
    for rule in rules:
        m = rule.regex.match(text, offset)
        if m is not None:
            found.append((rule, offset, m.end()))
            return


def _comparable(hits: list[tuple]) -> list[tuple]:
    return sorted((rule.order, rule.id, rule.regex.pattern, s, e) for rule, s, e in hits)


@FAST
@given(messages, st.integers(0, 400))
def test_find_all_finds_what_trying_every_group_finds(text, limit):
    t = normalize(text).text
    limit = min(limit, len(t))
    mask = word_mask(t)
    present = LEXICON.key_bits.present(key_prefixes(t, mask))
    satisfied = LEXICON.key_bits.satisfied(present)
    for rule_set in (LEXICON.rule_set, LEXICON.idiom_set):
        fast = find_all(rule_set, t, present, _WordStarts(t, mask), limit, satisfied=satisfied)
        assert _comparable(fast) == _comparable(_plain_find_all(rule_set, t, limit))
        # Without a precomputed mask it works it out itself.
        alone = find_all(rule_set, t, key_prefixes(t), _WordStarts(t, mask), limit)
        assert _comparable(alone) == _comparable(fast)


@FAST
@given(messages, st.integers(0, 400))
def test_find_candidates_finds_what_find_all_finds(text, limit):
    t = normalize(text).text
    limit = min(limit, len(t))
    candidates = LEXICON.prefilter.candidates(t)
    if candidates is None:  # text RE2 cannot read: the scan uses find_all itself
        return
    mask = word_mask(t)
    for rule_set in (LEXICON.rule_set, LEXICON.idiom_set):
        slow = find_all(rule_set, t, key_prefixes(t, mask), _WordStarts(t, mask), limit)
        fast = find_candidates(rule_set, t, candidates, _WordStarts(t, mask), limit)
        assert _comparable(fast) == _comparable(slow)


@FAST
@given(messages)
def test_scan_finds_the_same_with_and_without_the_prefilter(text):
    with_prefilter = scan(text, LEXICON)
    original = type(LEXICON.prefilter).candidates
    try:
        type(LEXICON.prefilter).candidates = lambda self, text: None
        assert scan(text, LEXICON) == with_prefilter
    finally:
        type(LEXICON.prefilter).candidates = original
    assert len(set(with_prefilter)) == len(with_prefilter)  # no signal twice


def test_a_span_found_twice_is_one_signal():
    # One rule is filed under both "bur" and "burni", two prefixes of "burning".
    signals = scan("I've been burning myself with a lighter when things get bad.", LEXICON)
    assert len(signals) == len(set(signals)) >= 1


@FAST
@given(messages)
def test_live_members_are_those_whose_open_keys_meet_the_message(text):
    prefixes = key_prefixes(normalize(text).text)
    satisfied = LEXICON.key_bits.satisfied(LEXICON.key_bits.present(prefixes))
    rule_set = LEXICON.rule_set
    groups = [rule_set.groups[k] for k in rule_set.group_keys & prefixes]
    groups += [g for (k, _), g in rule_set.pair_groups.items() if k in prefixes]
    for group in groups:
        expected = tuple(
            r for r in group.rules if all(not keys.isdisjoint(prefixes) for keys in _open_keys(r))
        )
        matcher = group.live(satisfied)
        got = matcher.rules if matcher else ()
        # Exactly the live members; or, once the group's bounded cache of compiled
        # subsets is full (other tests in this process fill it), all of them.
        assert got == expected or (expected and got == group.rules)
        if expected:
            assert satisfied & group.telling


@FAST
@given(messages, st.integers(0, 400))
def test_unanchored_rules_tried_at_first_words_find_what_search_finds(text, limit):
    t = normalize(text).text
    starts = _WordStarts(t, word_mask(t))
    prefixes = key_prefixes(t)
    for rule_set in (LEXICON.rule_set, LEXICON.idiom_set):
        for rule, first in zip(rule_set.unanchored, rule_set.unanchored_first, strict=True):
            if first is not None:
                offsets = _offsets(first & prefixes, starts)
                assert _match_at(rule, t, offsets, limit) == _search(rule, t, limit)


UNANCHORED = [
    r
    for r in (*LEXICON.rules, *LEXICON.idioms)
    if r.start is None and first_token_keys(r.regex.pattern) is not None
]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_first_token_keys_hold_for_every_match_that_starts_a_word(data):
    rule = data.draw(st.sampled_from(UNANCHORED))
    keys = first_token_keys(rule.regex.pattern)
    source = rule.regex.pattern.removeprefix(r"\b").removesuffix(r"(?!\w)")
    text = data.draw(st.from_regex(re.compile(source), fullmatch=True))
    first = re.match(r"[^\W_]+", text)
    if first is not None:  # a match starting with "'" never starts a word
        token = first.group()
        assert token[:KEY_LENGTH] in keys or token[:SHORT_KEY_LENGTH] in keys, (rule.id, text)


def test_first_token_keys_follow_alternatives_after_a_shared_start():
    assert first_token_keys(r"\b(?:i'?l|i[\W_]+wil|im[\W_]+gona)[\W_]+kil") == {"i", "il", "im"}
    assert first_token_keys(r"\b(?:(?:i[\W_]+)?(?:can'?t|cant))[\W_]+take") == {"i", "can", "cant"}
    assert first_token_keys(r"\b(?:self[ -]?harm)") == {"sel", "selfh"}
    # A start that is too short to be a key, or not letters, gives no keys.
    assert first_token_keys(r"\b(?:w/o[\W_]+me)") is None
    assert first_token_keys(r"\b(?:od\w*)") is None


@FAST
@given(
    st.text(alphabet=st.sampled_from(list("abeilmos .,-'\n0áñ")), max_size=200),
    st.sampled_from(["a", "me", "i", "mi", "kil", "kill", "sui", "abcde"]),
)
def test_word_starts_match_the_definition_without_underscores(text, prefix):
    text = f"{text} {prefix} {prefix}a {prefix}"
    assert _WordStarts(text, word_mask(text))(prefix) == _word_starts(text, prefix)


def test_caches_past_their_bounds_find_the_same(monkeypatch):
    import triage.engine.prefilter as prefilter
    import triage.engine.ruleset as ruleset

    monkeypatch.setattr(ruleset, "_MAX_COMPILED_SUBSETS", 0)
    monkeypatch.setattr(ruleset, "_MAX_PATTERNS", 0)
    monkeypatch.setattr(ruleset, "_MAX_PLANS", 0)
    monkeypatch.setattr(prefilter, "_MAX_ANSWERS", 0)
    bounded = build_lexicon(default_script().lexicon)
    for text in [*FRAGMENTS, " ".join(FRAGMENTS)]:
        assert scan(text, bounded) == scan(text, LEXICON)
    assert not bounded.rule_set._plans and not bounded.prefilter._by_found
    groups = [*bounded.rule_set.groups.values(), *bounded.rule_set.pair_groups.values()]
    assert not any(g._by_bits for g in groups)
    # Only the all-members matcher is ever built.
    assert all(set(g._by_members) <= {g.rules} for g in groups)
