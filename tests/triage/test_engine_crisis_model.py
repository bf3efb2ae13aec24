"""The crisis model as the engine runs it: features, artifact, scoring, explanation."""

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage import engine
from triage.engine.crisis_model import (
    CrisisModel,
    CrisisModelError,
    concern_level,
    features,
    tokens,
)


def toy_model(threshold: float = 0.5) -> CrisisModel:
    # "die", "rope" and "umbrella" push up, "movie" pushes down; no character n-grams.
    return CrisisModel.from_parts(
        terms=["w die", "w rope", "w umbrella", "w movie", "w i"],
        idf=[2.0, 2.0, 2.0, 2.0, 1.0],
        coef=[4.0, 3.0, 3.0, -5.0, 0.0],
        intercept=-1.0,
        calibration=(1.0, 0.0),
        threshold=threshold,
        meta={"note": "toy"},
    )


def test_tokens_fold_case_accents_leetspeak_and_repeats_and_keep_original_spans():
    text = "Quiero MORÍR, k1ll me sooooo 💀"
    found = tokens(text)
    assert [w for w, _, _ in found] == ["quiero", "morir", "kill", "me", "soo", "💀"]
    assert [text[s:e] for _, s, e in found] == ["Quiero", "MORÍR", "k1ll", "me", "sooooo", "💀"]


def test_numbers_stay_numbers_so_want_2_die_keeps_its_2():
    assert "w want 2" in features("want 2 die")
    assert "w 30" in features("took 30 pills")


def test_features_hold_word_pairs_and_padded_character_grams():
    feats = features("want die")
    # "c" + the gram: " want" starts the padded word, "die " ends it.
    assert {"w want", "w die", "w want die", "c die ", "c di", "c want"} <= set(feats)


def test_the_artifact_round_trips_with_the_same_version():
    model = toy_model()
    again = CrisisModel.from_bytes(model.to_bytes())
    assert again.version == model.version
    assert again.probability("I want to die") == pytest.approx(model.probability("I want to die"))


def test_a_different_threshold_is_a_different_version():
    assert toy_model(0.5).version != toy_model(0.4).version


def test_probability_follows_the_weights_and_calibration():
    model = toy_model()
    assert model.probability("die") > 0.9
    assert model.probability("movie") < 0.01
    assert model.probability("") == pytest.approx(1 / (1 + np.e))  # intercept only


def test_score_names_the_phrases_that_raised_it_as_spans_of_the_original_text():
    text = "Watched a movie. Then I bought a ROPE, I want to DIE."
    score = toy_model().score(text)
    assert score.flagged
    assert [text[p.start : p.end] for p in score.phrases] == ["ROPE", "DIE"]
    assert all(p.text == text[p.start : p.end] for p in score.phrases)


def test_a_text_under_the_threshold_is_not_flagged():
    assert not toy_model().score("we watched a movie").flagged


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip file", b"PK\x03\x04 broken"],
)
def test_unreadable_bytes_are_refused_with_a_model_error(data):
    with pytest.raises(CrisisModelError):
        CrisisModel.from_bytes(data)


def test_an_artifact_holding_pickled_objects_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, terms=np.array([object()], dtype=object), idf=[1.0], coef=[1.0], header=[])
    with pytest.raises(CrisisModelError):
        CrisisModel.from_bytes(buffer.getvalue())


def test_an_artifact_of_another_format_is_refused():
    buffer = io.BytesIO()
    header = np.frombuffer(b'{"format": "something-else"}', dtype=np.uint8)
    np.savez(buffer, terms=np.frombuffer(b"w a", np.uint8), idf=[1.0], coef=[1.0], header=header)
    with pytest.raises(CrisisModelError, match="format"):
        CrisisModel.from_bytes(buffer.getvalue())


def test_concern_in_words():
    assert concern_level(0.91, 0.2) == "high"
    assert concern_level(0.3, 0.2) == "raised"
    assert concern_level(0.1, 0.2) == "low"


@given(st.text(max_size=400))
def test_any_text_gets_a_probability_and_phrases_inside_it(text):
    score = toy_model().score(text)
    assert 0.0 <= score.probability <= 1.0
    for phrase in score.phrases:
        assert 0 <= phrase.start < phrase.end <= len(text)
        assert phrase.text == text[phrase.start : phrase.end]


def test_the_shipped_model_loads_and_reads_paraphrase():
    from triage.crisis_models.active import shipped_model

    model = shipped_model()
    assert model.version.startswith("cm-")
    assert model.score("i want 2 die").flagged
    assert not model.score("Can I move my appointment to Thursday afternoon?").flagged


def test_triage_flags_a_text_only_the_model_reads_as_a_crisis():
    facts = engine.IntakeFacts(free_text=("I bought an umbrella",))
    without = engine.triage(facts)
    with_model = engine.triage(facts, model=toy_model())
    assert not without.crisis and without.model_by_text == (None,)
    assert with_model.crisis and with_model.text_crisis and with_model.acuity == "urgent"
    reason = next(r for r in with_model.reasons if r.rule_id == engine.MODEL_REASON_ID)
    assert "“umbrella”" in reason.text and "high concern" in reason.text
    assert with_model.model_probability == pytest.approx(with_model.model_by_text[0].probability)


def test_the_lexicon_still_flags_what_the_model_does_not():
    facts = engine.IntakeFacts(free_text=("I want to kill myself tonight, the movie is over",))
    decision = engine.triage(facts, model=toy_model(threshold=0.999))
    assert decision.crisis and decision.signals and not decision.model_flagged


def test_a_lexicon_match_the_model_is_all_but_sure_of_is_set_aside_and_not_a_crisis():
    text = "I want to kill myself, said the man in the movie"
    model = CrisisModel.from_parts(
        terms=["w movie"], idf=[1.0], coef=[-9.0], intercept=0.0, calibration=(1.0, 0.0),
        threshold=0.5, set_aside_below=0.01,
    )  # fmt: skip
    decision = engine.triage(engine.IntakeFacts(free_text=(text,)), model=model)

    assert decision.signals  # the phrase list still matched, and the nurse sees it
    assert not decision.crisis and not decision.text_crisis
    assert decision.acuity == "soon"
    reason = next(r for r in decision.reasons if r.rule_id == "model.set_aside")
    assert "read it yourself" in reason.text


def test_without_a_set_aside_floor_every_lexicon_match_counts():
    from triage.engine.crisis_model import ModelScore, crisis_decision

    assert crisis_decision(True, ModelScore(0.0001, 0.5, "v", (), 0.0, 0.0001))
    assert not crisis_decision(True, ModelScore(0.0001, 0.5, "v", (), 0.01, 0.0001))
    assert crisis_decision(True, ModelScore(0.02, 0.5, "v", (), 0.01))
    assert crisis_decision(False, ModelScore(0.6, 0.5, "v", (), 0.01))
    assert crisis_decision(True, None) and not crisis_decision(False, None)


def test_a_set_aside_floor_over_the_threshold_is_refused():
    with pytest.raises(CrisisModelError, match="set-aside floor"):
        CrisisModel.from_parts(
            terms=["w a"], idf=[1.0], coef=[1.0], intercept=0.0, calibration=(1.0, 0.0),
            threshold=0.2, set_aside_below=0.3,
        )  # fmt: skip


def test_a_match_is_set_aside_only_when_its_sentence_is_also_under_the_floor():
    from triage.engine.crisis_model import ModelScore, crisis_decision

    # Whole text under the floor, the match's sentence read alone over it: kept.
    assert crisis_decision(True, ModelScore(0.0014, 0.5, "v", (), 0.01, 0.95))
    # Both under the floor: set aside.
    assert not crisis_decision(True, ModelScore(0.0014, 0.5, "v", (), 0.01, 0.005))
    # The sentence never read (no spans given): nothing is set aside.
    assert crisis_decision(True, ModelScore(0.0014, 0.5, "v", (), 0.01, None))


def test_the_matchs_sentence_keeps_the_match_only_at_or_over_its_own_bar():
    from triage.engine.crisis_model import ModelScore, crisis_decision

    # Over the floor but under the sentence bar: set aside (a resolved history alone).
    assert not crisis_decision(True, ModelScore(0.0014, 0.5, "v", (), 0.01, 0.86, 0.941))
    # At the bar: kept.
    assert crisis_decision(True, ModelScore(0.0014, 0.5, "v", (), 0.01, 0.941, 0.941))
    # A bar under the floor counts as the floor.
    assert crisis_decision(True, ModelScore(0.0014, 0.5, "v", (), 0.01, 0.02, 0.001))
    # The whole text over the floor: the sentence bar plays no part.
    assert crisis_decision(True, ModelScore(0.02, 0.5, "v", (), 0.01, None, 0.941))


def test_the_matchs_sentence_is_read_only_when_the_whole_text_is_under_the_floor():
    model = CrisisModel.from_parts(
        terms=["w movie", "w die"], idf=[1.0, 1.0], coef=[-9.0, 4.0], intercept=0.0,
        calibration=(1.0, 0.0), threshold=0.5, set_aside_below=0.01,
    )  # fmt: skip
    text = "The movie, the movie, the movie was long. I want to die"
    match = [(text.index("die"), len(text))]

    assert model.score(text).match_probability is None
    diluted = model.score(text, matches=match)
    assert diluted.probability < 0.01 and diluted.match_probability > 0.9
    assert not diluted.sets_aside_lexicon
    # A movie in the match's own sentence: the model may set it aside.
    same = "I want to die in the movie, the movie, the movie"
    assert model.score(same, matches=[(7, 14)]).sets_aside_lexicon


@pytest.fixture(scope="module")
def shipped():
    from triage.engine.crisis_model import SHIPPED_MODEL_PATH

    return CrisisModel.from_bytes(SHIPPED_MODEL_PATH.read_bytes())


BENIGN_PARAGRAPH = (
    "We moved to Tucson in March and the kids started at a new school. My husband works"
    " nights at the warehouse, so most evenings it's just me, the dishes and the homework."
    " The form asked about insurance; we have the state plan and the number is on the card."
    " I also wanted to ask whether you have appointments after five, because I can't leave"
    " work earlier."
)
PARRAFO_BENIGNO = (
    "Nos mudamos a Tucson en marzo y los niños empezaron en una escuela nueva. Mi esposo"
    " trabaja de noche en el almacén, así que casi todas las tardes estoy sola con los platos"
    " y las tareas. El formulario preguntaba por el seguro; tenemos el plan del estado. También"
    " quería saber si tienen citas después de las cinco, porque no puedo salir antes."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Can I talk to someone? I want to kill myself", "en"),
        ("I need to reschedule my appointment. I want to kill myself", "en"),
        ("What time do you open? I want to kill myself", "en"),
        ("¿Puedo hablar con alguien? Quiero matarme", "es"),
        ("Quiero hablar con una persona. Quiero matarme", "es"),
        (BENIGN_PARAGRAPH + " I want to kill myself.", "en"),
        (PARRAFO_BENIGNO + " Quiero matarme.", "es"),
    ],
)
def test_an_explicit_sentence_diluted_by_others_is_a_crisis_with_the_shipped_model(
    shipped, text, language
):
    decision = engine.triage(engine.IntakeFacts(free_text=text, language=language), model=shipped)
    score = decision.model_by_text[0]

    # The whole text reads under the floor: the dilution this guards against.
    assert score.probability < shipped.set_aside_below
    # Read alone, the explicit sentence clears the sentence bar (0.95 and 0.97 against
    # 0.941: a narrow margin, see docs/MODEL_CARD.md).
    assert score.match_probability >= shipped.sentence_set_aside_below
    assert decision.crisis and decision.text_crisis and decision.acuity == "emergent"
    assert "model.set_aside" not in [r.rule_id for r in decision.reasons]


def test_a_resolved_history_in_its_own_sentence_is_still_set_aside(shipped):
    text = "I attempted suicide years ago. I'm doing well now."
    decision = engine.triage(engine.IntakeFacts(free_text=text), model=shipped)

    assert decision.signals and not decision.crisis and decision.acuity == "soon"
    assert "model.set_aside" in [r.rule_id for r in decision.reasons]


def test_a_resolved_history_whose_resolution_is_the_next_sentence_is_set_aside(shipped):
    text = (
        "Hace ocho años intenté quitarme la vida con pastillas. Estuve en terapia dos años"
        " y hoy estoy estable."
    )
    decision = engine.triage(engine.IntakeFacts(free_text=text, language="es"), model=shipped)
    score = decision.model_by_text[0]

    # The first sentence alone reads over the floor, but under the sentence bar.
    assert shipped.set_aside_below <= score.match_probability < shipped.sentence_set_aside_below
    assert decision.signals and not decision.crisis and decision.acuity == "soon"
    reason = next(r for r in decision.reasons if r.rule_id == "model.set_aside")
    assert f"({score.probability:.2f})" in reason.text  # the whole text's reading


@pytest.mark.parametrize(
    "text",
    [
        BENIGN_PARAGRAPH,
        PARRAFO_BENIGNO,
        "Can I move my appointment to Thursday? I have a dentist visit. Thanks!",
    ],
)
def test_a_benign_message_of_several_sentences_with_no_match_is_unaffected(shipped, text):
    decision = engine.triage(engine.IntakeFacts(free_text=text), model=shipped)
    score = decision.model_by_text[0]

    assert not decision.signals and score.match_probability is None
    assert score == shipped.score(text)  # no sentence was read on its own
    assert not decision.crisis and decision.acuity == "routine"
