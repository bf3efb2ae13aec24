"""Crisis scan: categories, negation, hypotheticals, idioms, third parties, obfuscation."""

import pytest

from triage.engine import SELF, THIRD_PARTY, compile_lexicon, default_script, normalize, scan


def categories(text: str) -> set[str]:
    return {s.category for s in scan(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to kill myself", "suicide"),
        ("I have a plan to end my life this weekend", "suicide"),
        ("I've been saving up my sleeping pills", "suicide"),
        ("I tried to kill myself two years ago", "suicide"),
        ("I keep cutting my arms at night", "self_harm"),
        ("I'm going to hurt my coworker tomorrow, I swear", "harm_to_others"),
        ("My husband hits me when he drinks", "abuse_violence"),
        ("I'm scared to go home, he threatened to kill me", "abuse_violence"),
        ("I took a whole bottle of Tylenol an hour ago", "overdose_medical"),
        ("My friend is not breathing after using", "overdose_medical"),
        ("Me quiero morir", "suicide"),
        ("Estoy pensando en quitarme la vida", "suicide"),
        ("Me corto los brazos cuando estoy triste", "self_harm"),
        ("Tengo ganas de matar a mi jefe", "harm_to_others"),
        ("Mi esposo me pega y tengo miedo de volver a casa", "abuse_violence"),
        ("Me tomé todas las pastillas de mi mamá", "overdose_medical"),
    ],
)
def test_it_flags_each_category(text, category):
    assert category in categories(text)


def test_it_classifies_suicide_subtypes():
    assert {s.subtype for s in scan("I tried to kill myself last year")} == {"past_attempt"}
    assert "plan" in {s.subtype for s in scan("I have a plan to kill myself")}


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just very tired",
        "I would never hurt myself",
        "I don't want to die, I want to feel better",
        "No thoughts of suicide or self-harm",
        "I have never tried to kill myself",
        "I'm not thinking about hurting myself",
        "No tengo ganas de morir",
        "Nunca me haría daño",
        "No tengo pensamientos suicidas",
        "Jamás pensaría en suicidarme",
        "Suicidal thoughts: none",
    ],
)
def test_it_ignores_negated_crisis_phrases(text):
    assert scan(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "I'm not okay, I want to die",
        "I don't want to live anymore",
        "I'm not sure I want to live",
        "I'm not suicidal but I want to die",
        "No estoy bien, quiero morir",
        "Ya no quiero vivir",
        "No, no quiero vivir",
    ],
)
def test_it_keeps_crisis_phrases_outside_a_negation_scope(text):
    assert "suicide" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "What should I do if someone tells me they want to die?",
        "I'm writing an essay about suicide prevention for class",
        "The movie had a scene about suicide that upset me a little",
        "Estoy escribiendo un ensayo sobre la prevención del suicidio",
    ],
)
def test_it_ignores_hypotheticals_and_topics(text):
    assert scan(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "This homework is killing me",
        "I'm dying to see you",
        "She is killing it at work",
        "That dress is drop dead gorgeous",
        "I'm bored to death",
        "This cake is to die for",
        "My phone died so I missed your call",
        "I cut myself shaving this morning",
        "Me muero de risa",
        "Me muero de hambre",
        "Este trabajo me está matando",
        "Me corté el pelo ayer",
        "Vamos a matar el tiempo",
    ],
)
def test_it_ignores_idioms(text):
    assert scan(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "My brother says he wants to die",
        "My friend is talking about killing herself",
        "Mi hermano dice que se quiere matar",
        "My daughter cuts herself",
    ],
)
def test_it_flags_third_party_reports_as_their_own_kind(text):
    signals = scan(text)
    assert signals
    assert {s.subject for s in signals} == {THIRD_PARTY}


def test_it_keeps_the_patient_as_subject_when_they_speak_of_themselves():
    signals = scan("My brother says I want to die")
    assert signals and all(s.subject == SELF for s in signals)


@pytest.mark.parametrize(
    "text",
    [
        "k i l l myself",
        "I want to kiiiill myself",
        "i want to k1ll mys3lf",
        "thinking about su1c1de",
        "s.u.i.c.i.d.e",
        "I want to KILL MYSELF",
        "quiero suicidarme",
        "quiero matarme",
        "voy a quitarme la vida",
        "quiero m4t4rme",
        "me kiero morir",
        "q-u-i-e-r-o m-o-r-i-r",
        "he said hed k!ll me",
        "ｋｉｌｌ myself",
        "i wnat to end my lfie",
    ],
)
def test_it_sees_through_obfuscation(text):
    assert scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "Honestly... I want to KIIIILL mys3lf tonight",
        "k i l l myself",
        "Quiero MATARME, en serio",
        "sui\u0301cidio",  # decomposed accent
        "kill\u200bmyself",  # zero-width space
        "Me tomé todas las pastillas de mi mamá",
    ],
)
def test_it_maps_spans_back_to_the_original_text(text):
    signals = scan(text)
    assert signals
    for s in signals:
        assert text[s.start : s.end] == s.matched
        assert 0 <= s.start < s.end <= len(text)
        assert s.matched.strip() == s.matched


def test_it_highlights_the_whole_obfuscated_word():
    text = "I want to KIIIILL myself"
    (signal,) = scan(text)
    assert signal.matched == "KIIIILL myself"


def test_it_reports_rule_ids_and_languages():
    (en,) = scan("I want to kill myself")
    (es,) = scan("me quiero morir")
    assert en.rule_id.startswith("en.") and en.language == "en"
    assert es.rule_id.startswith("es.") and es.language == "es"
    assert scan("I want to kill myself")[0].rule_id == en.rule_id  # stable


def test_it_returns_nothing_for_empty_or_benign_text():
    assert scan("") == ()
    assert scan("Can I get an appointment next Tuesday morning?") == ()


def test_it_uses_a_lexicon_given_as_data():
    lexicon = {
        "languages": {
            "en": {
                "rules": [
                    {
                        "id": "t.purple",
                        "category": "suicide",
                        "subtype": "ideation",
                        "severity": "high",
                        "subject": "self",
                        "pattern": "purple elephant",
                    }
                ]
            }
        }
    }
    (signal,) = scan("I saw a Purple  Elephant", lexicon)
    assert signal.rule_id == "t.purple" and signal.matched == "Purple  Elephant"
    assert compile_lexicon(lexicon) is compile_lexicon(lexicon)  # cached
    assert scan("I want to kill myself", lexicon) == ()


def test_it_accepts_a_script_as_lexicon():
    assert scan("I want to die", default_script())


def test_it_normalizes_with_an_offset_map():
    norm = normalize("K i l l  MYSELF!!")
    assert norm.text == "kil  myself!!"
    assert norm.to_original(0, 3) == (0, 7)
