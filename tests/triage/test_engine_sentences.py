"""Sentences of a patient's text, as the crisis model's set-aside rule reads them."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from triage.engine.sentences import sentence_spans, sentences_holding


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_it_splits_after_a_question_in_english_and_spanish():
    assert split("Can I talk to someone? I want to kill myself") == [
        "Can I talk to someone?",
        " I want to kill myself",
    ]
    assert split("¿Puedo hablar con alguien? Quiero matarme") == [
        "¿Puedo hablar con alguien?",
        " Quiero matarme",
    ]


def test_it_splits_loose_punctuation_and_line_breaks_but_not_decimals():
    assert split("hi...i want to die") == ["hi...", "i want to die"]
    assert split("someone?I want") == ["someone?", "I want"]
    assert split("¡Hola!¿Qué tal?") == ["¡Hola!", "¿Qué tal?"]
    assert split('Take 2.5 mg. Then "I\'m done." Bye!\n\nok') == [
        "Take 2.5 mg.",
        ' Then "I\'m done."',
        " Bye!",
        "ok",
    ]


def test_it_gives_no_sentence_for_blank_text():
    assert split("") == [] and split("  \n ") == []


def test_it_gives_the_sentence_holding_each_match_once():
    text = "Can I talk to someone? I want to kill myself. I want to kill myself"
    first = text.index("kill")
    last = text.rindex("kill")

    assert sentences_holding(text, [(first, first + 11), (first, first + 4)]) == [
        " I want to kill myself."
    ]
    assert sentences_holding(text, [(last, last + 11), (first, first + 4)]) == [
        " I want to kill myself.",
        " I want to kill myself",
    ]


def test_a_match_across_a_break_gives_the_sentences_it_crosses():
    text = "I can't. Go on. Anymore."
    assert sentences_holding(text, [(2, 12)]) == ["I can't. Go on."]


@given(st.text())
def test_the_sentences_are_in_order_and_cover_every_non_blank_character(text):
    spans = sentence_spans(text)
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(spans))
    covered = {i for a, b in spans for i in range(a, b)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())
