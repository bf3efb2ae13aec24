"""Property tests: the scan never fails, explicit crises are never masked, triage is monotone."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.engine import (
    IntakeFacts,
    acuity_rank,
    default_script,
    evaluate,
    normalize,
    scan,
    triage,
)
from triage.engine.crisis import _NEXT_TOKEN, _start_words
from triage.engine.keys import is_common

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EXPLICIT = [
    "I want to kill myself.",
    "I am going to end my life tonight.",
    "I took all my pills an hour ago.",
    "I keep cutting myself.",
    "My husband beats me.",
    "I want to die.",
    "Quiero matarme.",
    "Me voy a quitar la vida.",
    "Me quiero morir.",
    "Me tomé todas las pastillas.",
    "Mi esposo me pega.",
    "Tengo ganas de suicidarme.",
]

texts = st.text(max_size=400) | st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz 0134@$.,'-!¿?áéíóúñ\u0301\u200b")),
    max_size=400,
)


@FAST
@given(texts)
def test_it_never_raises_on_any_text(text):
    for signal in scan(text):
        assert text[signal.start : signal.end] == signal.matched
        assert signal.start < signal.end


def test_it_handles_very_long_text():
    text = ("I'm fine, thanks. " * 3000) + "I want to kill myself."
    assert scan(text)


@FAST
@given(texts, st.sampled_from(EXPLICIT))
def test_it_always_flags_an_explicit_crisis_sentence_appended_to_any_text(text, sentence):
    assert scan(f"{text}. {sentence}")


@FAST
@given(st.text(max_size=200))
def test_it_maps_normalized_spans_inside_the_original(text):
    norm = normalize(text)
    for start in range(0, len(norm.text), 7):
        end = min(len(norm.text), start + 5)
        a, b = norm.to_original(start, end)
        assert 0 <= a < b <= len(text)


# The scan tries a rule only where a word it starts with (and, after a common word, its
# second word) is in the text: generate matches and check every one is found that way.
RULES = [r for r in default_script().compiled_lexicon.rules if r.start is not None]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_every_match_starts_with_a_start_word_of_its_rule(data):
    rule = data.draw(st.sampled_from(RULES))
    source = rule.regex.pattern.removeprefix(r"\b").removesuffix(r"(?!\w)")
    text = data.draw(st.from_regex(re.compile(source), fullmatch=True))
    first = re.match(r"[^\W_]+", text)
    assert first, (rule.id, text)
    words = set(_start_words(first.group())) & rule.start
    assert words, (rule.id, text)
    if rule.second and all(is_common(w) for w in words):
        second = _NEXT_TOKEN.match(text).group(1)
        assert {second, second[:3]} & rule.second, (rule.id, text)


FREQ = st.integers(0, 3)
ASQ = st.sampled_from(["no", "refused", "yes"])
CSSRS = st.sampled_from([None, "no", "yes"])
Q6 = st.sampled_from(["no", "yes_over_3_months", "yes_within_3_months"])


@st.composite
def intakes(draw):
    return {
        "phq9": draw(st.lists(FREQ, min_size=9, max_size=9)),
        "gad7": draw(st.lists(FREQ, min_size=7, max_size=7)),
        "asq": draw(st.lists(ASQ, min_size=5, max_size=5)),
        "cssrs": [draw(st.sampled_from(["no", "yes"])) for _ in range(2)]
        + draw(st.lists(CSSRS, min_size=3, max_size=3))
        + [draw(Q6)],
    }


ORDERS = {
    "phq9": [0, 1, 2, 3],
    "gad7": [0, 1, 2, 3],
    "asq": ["no", "refused", "yes"],
    "cssrs": [None, "no", "yes"],
}


def raise_one(answers: dict, screener: str, item: int) -> dict | None:
    values = list(answers[screener])
    order = (
        ["no", "yes_over_3_months", "yes_within_3_months"]
        if screener == "cssrs" and item == 5
        else ORDERS[screener]
    )
    if screener == "cssrs" and item < 2:
        order = ["no", "yes"]
    position = order.index(values[item])
    if position + 1 == len(order):
        return None
    values[item] = order[position + 1]
    return {**answers, screener: values}


@FAST
@given(intakes(), st.sampled_from(["phq9", "gad7", "asq", "cssrs"]), st.integers(0, 8))
def test_raising_any_answer_never_lowers_the_acuity(answers, screener, item):
    item %= len(answers[screener])
    before = triage(IntakeFacts(**answers))
    raised = raise_one(answers, screener, item)
    if raised is None:
        return
    after = triage(IntakeFacts(**raised))
    assert acuity_rank(after.acuity) <= acuity_rank(before.acuity)  # 0 is most pressing
    assert after.crisis >= before.crisis
    assert before.reasons and after.reasons


LABELS = st.sampled_from(["crisis", "no_crisis"])


@FAST
@given(st.lists(st.tuples(st.booleans(), LABELS, st.sampled_from(["en", "es", None]))))
def test_its_metrics_stay_within_zero_and_one(rows):
    cases = [
        {"text": "x" if hit else "", "label": label, "language": lang} for hit, label, lang in rows
    ]
    report = evaluate(cases, lambda text: (1,) if text else ())
    for confusion in [report.overall, *report.by_language.values()]:
        for value in (confusion.sensitivity, confusion.specificity, confusion.ppv, confusion.npv):
            assert value is None or 0.0 <= value <= 1.0
    assert report.n == len(rows)
