"""The start and second words read without ``re``'s private parser are the same (issue 19).

The keys used to be read from ``re._parser``'s parse tree; ``triage.engine.keys`` now
reads the patterns itself. The old reading is kept here, and only here, as the oracle:
every branch of every rule and idiom of the shipped script (which the base phrase rows
rebuild exactly, see test_base_phrases_migration), hand-picked corners of re's parser,
and generated patterns of the supported subset must give the same keys.
"""

from __future__ import annotations

from re import _constants as sre_c
from re import _parser as sre_parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage import engine
from triage.engine import keys
from triage.engine.patterns import PatternError

# --- the previous implementation, verbatim but for names (the oracle) -----------------


def _old_is_separator(op, av) -> bool:
    return op is sre_c.IN and any(
        o is sre_c.CATEGORY and a is sre_c.CATEGORY_NOT_WORD for o, a in av
    )


def _old_is_required_separator(op, av) -> bool:
    return _old_is_separator(op, av) or (
        op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)
        and av[0] >= 1
        and len(av[2]) == 1
        and _old_is_separator(*av[2][0])
    )


def _old_exact(items: list) -> set[str] | None:
    strings = {""}
    for op, av in items:
        if op is sre_c.LITERAL:
            options = {chr(av)}
        elif op is sre_c.IN and all(o is sre_c.LITERAL for o, _ in av):
            options = {chr(a) for _, a in av}
        elif op is sre_c.SUBPATTERN:
            options = _old_exact(list(av[-1]))
        elif op is sre_c.BRANCH:
            options = set()
            for alt in av[1]:
                sub = _old_exact(list(alt))
                if sub is None:
                    return None
                options |= sub
        elif op is sre_c.MAX_REPEAT or op is sre_c.MIN_REPEAT:
            lo, hi, sub_items = av
            if (lo, hi) != (0, 1):
                return None
            sub = _old_exact(list(sub_items))
            if sub is None:
                return None
            options = sub | {""}
        else:
            return None
        if options is None:
            return None
        strings = {a + b for a in strings for b in options}
        if len(strings) > keys._PRODUCT_CAP:
            return None
    return strings


def _old_start(items: list, complete_at_end: bool) -> set[str] | None:
    run: list = []
    for position, (op, av) in enumerate(items):
        exact = _old_exact([(op, av)])
        if exact is not None and all(c.isalnum() or c == "'" for s in exact for c in s):
            run.append((op, av))
            continue
        if run:
            strings = _old_exact(run)
            follows = _old_is_required_separator(op, av)
            return keys._run_keys(strings, follows) if strings else None
        if op is sre_c.SUBPATTERN:
            return _old_start(list(av[-1]) + items[position + 1 :], complete_at_end)
        if op is sre_c.BRANCH:
            found: set[str] = set()
            for alt in av[1]:
                sub = _old_start(list(alt) + items[position + 1 :], complete_at_end)
                if not sub:
                    return None
                found |= sub
            return found
        if op is sre_c.AT and av is sre_c.AT_BOUNDARY:
            continue
        return None
    if not run:
        return None
    strings = _old_exact(run)
    return keys._run_keys(strings, complete_at_end) if strings else None


def old_start_keys(source: str) -> frozenset[str] | None:
    found = _old_start(list(sre_parse.parse(source)), True)
    return frozenset(found) if found else None


def old_second_keys(source: str) -> frozenset[str] | None:
    items = list(sre_parse.parse(source))
    while items and items[0][0] is sre_c.AT:
        items = items[1:]
    for position, (op, av) in enumerate(items):
        exact = _old_exact([(op, av)])
        if exact is not None and all(c.isalnum() for s in exact for c in s):
            continue
        if position and _old_is_required_separator(op, av):
            found = _old_start(items[position + 1 :], True)
            return frozenset(found) if found else None
        return None
    return None


# --- the comparisons --------------------------------------------------------------------


def _branch_sources() -> list[str]:
    """The source of every compiled branch, as compile_pattern gave it to the key functions."""
    lexicon = engine.default_script().compiled_lexicon
    sources = []
    for rule in lexicon.rules + lexicon.idioms:
        pattern = rule.regex.pattern
        assert pattern.endswith(r")(?!\w)")
        head = "(?:" if pattern.startswith("(?:") else r"\b(?:"
        assert pattern.startswith(head)
        sources.append(pattern[len(head) : -len(r")(?!\w)")])
    return sources


def _assert_same(source: str) -> None:
    parsed = keys.parse(source)
    assert (keys.start_keys(parsed), keys.second_keys(parsed)) == (
        old_start_keys(source),
        old_second_keys(source),
    ), source


def test_every_branch_of_the_shipped_script_has_the_same_keys():
    sources = _branch_sources()
    assert len(sources) > 1000
    for source in sources:
        _assert_same(source)
    # The comparison is not vacuous: most branches have start words, some second words.
    assert sum(keys.start_keys(s) is not None for s in sources) > len(sources) // 2
    assert any(keys.second_keys(s) is not None for s in sources)


CORNERS = [
    # re factors a prefix shared by every alternative out of the branch ...
    r"(?:self harm|self hate)",
    r"(?:me\W+matar|me\W+mato)\W+hoy",
    r"\b(?:kill|kills)\W+me",
    # ... and makes a branch of single characters a class.
    r"(?:a|b|c)bcde",
    r"(?:k|[lm])ill\W+myself",
    r"(?:\W|x)+hurt",
    r"i\W+(?:a|\W)\W+want",
    r"i(?:\W|x)+want",
    r"me(?:\W|_)+matar",
    # A plain group under a quantifier is unwrapped (a separator stays one).
    r"me(?:\W)+matar",
    r"me(?:[\W_])+matar",
    r"me(\W)+matar",
    # Escaped literals, apostrophes, classes and their categories.
    r"i\'m\W+done",
    r"can\'t\W+go\W+on",
    r"don't\W+want",
    r"x\-ray\W+scan",
    r"[kK]ill\W+me",
    r"[k]ill\W+me",
    r"[kk]ill",
    r"[^k]ill",
    r"[a-z]ill",
    r"[\W_]+ok\W+now",
    r"no[\s\W]+more\W+pain",
    r"no\s+more\s+pain",
    r"my[\W_]+self\W+harm",
    # Groups, quantifiers, lazy and bounded.
    r"(want)\W+to\W+die",
    r"(?P<w>want)\W+to\W+die",
    r"(?:want|need)s?\W+to\W+die",
    r"(?:wanna|want\W+to)\W+die",
    r"me\W+(?:quiero|voy\W+a)\W+morir",
    r"my\W*+self",
    r"my\W+?self\W+harm",
    r"me\W{1,3}matar",
    r"me\W{0,3}matar",
    r"me\W{2}matar",
    r"me\W{,2}matar",
    r"me\W{2,}matar",
    r"(?:me\W+){1,2}matar",
    r"(?:no\W+)?more\W+pain",
    r"(?:no\W+)*more",
    r"ab{}c",
    r"ab{x}cdef",
    r"sui?cide",
    r"sui(?:ci)?de",
    # Anchors, and what the reader leaves unknown.
    r"\bkill\b\W+me",
    r"^kill\W+me",
    r"kill\W+me$",
    r"\B\bkill\W+me",
    r"(?:^kill|\Akill)\W+me",
    r"[^\x6b-]ill\W+me",
    r"kill(?=\W+me)",
    r"kill(?!\W+time)\W+me",
    r"(?<=x)kill",
    r"(?i)kill\W+me",
    r"(?i:kill)\W+me",
    r"(?-i:kill)\W+me",
    r"(?#why)kill\W+me",
    r"(kill)\W+\1",
    r"k.ll\W+me",
    r"\x6bill\W+me",
    r"[\x6b]ill\W+me",
    r"kill\W+me(?:.a|.b)",
    r"(?>kill)\W+me",
    r"kill\tme",
    r"\u006bill\W+m\U00000065",
    r"\0kill",
    r"\N{LATIN SMALL LETTER K}ill",
    r"[]x]ill",
    r"[^]x]ill\W+me",
    r"i\W+[a-]\W+want",
]


@pytest.mark.parametrize("source", CORNERS)
def test_corners_of_re_s_parser_give_the_same_keys(source):
    _assert_same(source)


def test_a_verbose_pattern_is_left_unknown_so_searched_anywhere():
    # re would read "kill" here; the reader does not read verbose mode at all.
    assert keys.start_keys(r"(?x) kill \W+ me") is None
    assert keys.second_keys(r"(?x) kill \W+ me") is None


def test_an_invalid_pattern_is_refused_with_a_clear_message():
    with pytest.raises(PatternError, match="not a valid regular expression"):
        keys.parse("(kill")


_WORDS = st.sampled_from(["i", "me", "my", "no", "kill", "self", "harm", "die", "ab", "abc"])
_SEPARATORS = st.sampled_from([r"\W+", r"[\W_]+", r"\W*", r"\s+", " ", r"\W", r"[\s\W]+", r"\W+?"])


@st.composite
def _words(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.integers(0, 9 if depth < 2 else 5))
        if kind <= 3:
            parts.append(draw(_WORDS))
        elif kind == 4:
            parts.append(draw(st.sampled_from([*"aekms'", r"\'", r"\-", "[ae]", "[k']"])))
        elif kind == 5:
            parts.append(draw(_SEPARATORS))
        else:
            alternatives = draw(st.lists(_words(depth + 1), min_size=1, max_size=3))
            group = draw(st.sampled_from(["(?:{})", "({})"])).format("|".join(alternatives))
            quantifier = draw(st.sampled_from(["", "", "?", "??", "*", "+", "{1,2}", "{0,1}?"]))
            parts.append(group + quantifier)
    return "".join(parts)


@st.composite
def _patterns(draw) -> str:
    alternatives = draw(st.lists(_words(), min_size=1, max_size=3))
    return draw(st.sampled_from(["", r"\b"])) + "|".join(alternatives)


@settings(max_examples=1500, deadline=None)
@given(_patterns())
def test_generated_patterns_of_the_subset_give_the_same_keys(source):
    _assert_same(source)
