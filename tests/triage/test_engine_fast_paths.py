"""The scan's fast paths give exactly what the plain definitions they replace give."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.engine.crisis import _WordStarts
from triage.engine.normalize import (
    _SQUEEZE,
    _SQUEEZE_FAST,
    KEY_LENGTH,
    SHORT_KEY_LENGTH,
    key_prefixes,
    tokens,
    word_mask,
)

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
        if len(prefix) < SHORT_KEY_LENGTH and end < len(text) and text[end].isalnum():
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


def test_word_starts_skip_tokens_that_only_contain_the_key():
    text = "skill killing, kill_me me-me mem"
    starts = _WordStarts(text, word_mask(text))
    assert starts("kil") == [6, 15]
    # Not after the underscore of "kill_me" (a word character to the regex engine).
    assert starts("me") == [m.start() for m in re.finditer(r"(?<!\w)me(?![^\W_])", text)]
    assert starts("me") == [23, 26]
    assert _WordStarts("me_x", word_mask("me_x"))("me") == [0]
