"""The RE2 prefilter never leaves out a rule that matches, and says so when it cannot tell."""

import re

import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.engine import default_script, scan
from triage.engine.lexicon import build_lexicon
from triage.engine.normalize import normalize
from triage.engine.prefilter import Prefilter, re2_source

LEXICON = default_script().compiled_lexicon
RULES = (*LEXICON.rules, *LEXICON.idioms)
FRAGMENTS = [case["text"] for case in default_script().validation_cases]

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

noise = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=80) | st.text(
    alphabet=st.sampled_from(list("kilmyself todie жё中٣😢\u00a0\u2003_-'")), max_size=80
)
messages = st.lists(st.sampled_from(FRAGMENTS) | noise, min_size=1, max_size=5).map(" ".join)


@SETTINGS
@given(messages)
def test_every_rule_that_matches_a_text_is_a_candidate(text):
    t = normalize(text).text
    candidates = LEXICON.prefilter.candidates(t)
    assert candidates is not None
    matching = {r for r in RULES if r.regex.search(t)}
    assert matching <= candidates


@SETTINGS
@given(st.text(max_size=40))
def test_rules_with_unicode_classes_are_candidates_wherever_python_matches(text):
    lexicon = _lexicon(r"kill [^\W_]+ \w+ \d \s*now")
    (rule,) = lexicon.rules
    t = normalize(f"kill {text} now").text
    candidates = lexicon.prefilter.candidates(t)
    if rule.regex.search(t) and candidates is not None:
        assert rule in candidates


def test_candidates_name_the_rules_of_the_message_and_few_others():
    t = normalize("I want to kill myself tonight").text
    candidates = LEXICON.prefilter.candidates(t)
    assert {r.id for r in RULES if r.regex.search(t)} <= {r.id for r in candidates}
    assert len(candidates) < 20  # out of more than a thousand


def test_text_re2_cannot_read_is_left_to_the_word_index():
    text = "I want to kill myself \ud800"  # a lone surrogate has no UTF-8 form
    assert LEXICON.prefilter.candidates(normalize(text).text) is None
    # ...and is still scanned in full.
    assert scan(text)


def test_text_beyond_ascii_is_prefiltered_too():
    t = normalize("quiero morir 😢 ж").text
    assert not t.isascii()
    assert {r for r in RULES if r.regex.search(t)} <= LEXICON.prefilter.candidates(t)
    assert scan("quiero morir 😢")


@given(st.sampled_from([r"\w", r"\W", r"\d", r"\D", r"\s", r"\S", r"[^\W_]", r"[\W_]", r"."]))
def test_classes_read_ascii_characters_as_python_does(source):
    translated = re2.compile(re2_source(source))
    for code in range(128):
        ch = chr(code)
        assert bool(re.fullmatch(source, ch)) == bool(translated.fullmatch(ch)), (source, ch)
    # Beyond ASCII they take at least what Python takes.
    for ch in "éжё中٣\u00a0\u2003😢\u0301":
        if re.fullmatch(source, ch):
            assert translated.fullmatch(ch), (source, ch)


def test_zero_width_conditions_are_dropped_so_more_texts_match():
    assert re2_source(r"\b(?:kill)(?!\w)") == "kill"
    assert re2_source(r"(?<!not )die") == "die"


def test_what_re2_cannot_express_is_refused():
    assert re2_source(r"(a)\1") is None  # back-reference
    assert re2_source(r"(?i:kill)") is None  # inline flags
    assert re2_source(r"a{2000}") is None  # past RE2's repeat limit


def _lexicon(pattern: str):
    rules = [
        {
            "id": "en.suicide.means.test",
            "category": "suicide",
            "subtype": "means",
            "severity": "high",
            "pattern": pattern,
        }
    ]
    return build_lexicon({"languages": {"en": {"rules": rules}}})


def test_a_rule_re2_cannot_take_is_a_candidate_for_every_text():
    lexicon = _lexicon(r"kill myself (?:ab){1,1500}")  # RE2 repeats at most 1000 times
    (rule,) = lexicon.rules
    assert rule in lexicon.prefilter.candidates("nothing to see here")
    assert scan("kill myself ababab", lexicon)


def test_an_answer_without_the_end_marker_is_not_trusted():
    # RE2 gives up on a text when its automaton outgrows its memory; the marker that
    # only matches at the end of the text is then missing from the answer.
    prefilter = Prefilter(_lexicon("kill myself").rules)
    assert prefilter.candidates("kill myself") is not None
    prefilter._set = _AnswerWithoutEnd()
    assert prefilter.candidates("kill myself") is None


class _AnswerWithoutEnd:
    def Match(self, text):  # RE2's name for it
        return [0]
