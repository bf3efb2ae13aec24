"""The sentence bar of the set-aside rule is the one validation chooses (never the blind
sets): recomputed here from the validation split with the shipped model."""

import pytest

from triage.crisis_models import corpus
from triage.crisis_models.active import shipped_model
from triage.crisis_models.training import choose_sentence_set_aside, sentence_readings
from triage.engine.crisis_model import SENTENCE_SET_ASIDE_BELOW


@pytest.fixture(scope="module")
def readings():
    return sentence_readings(shipped_model(), corpus.load_split("validation"))


def test_the_engines_sentence_bar_is_the_one_chosen_on_validation(readings):
    model = shipped_model()

    assert model.version == "cm-51f198d415f4"  # the model the bar was chosen for
    assert choose_sentence_set_aside(readings, model.set_aside_below) == SENTENCE_SET_ASIDE_BELOW
    assert model.sentence_set_aside_below == SENTENCE_SET_ASIDE_BELOW


def test_on_validation_the_sentence_reading_brings_back_no_set_aside_false_match(readings):
    floor = shipped_model().set_aside_below
    set_aside = [r for r in readings if r[1] and r[2] < floor]
    brought_back = [r for r in set_aside if r[3] >= SENTENCE_SET_ASIDE_BELOW]

    # 98 false matches set aside by the whole text; 1% of them allowed back: none.
    assert sum(not r[0] for r in set_aside) == 98
    assert [r[0] for r in brought_back] == [True]  # "no quiero existir." (0.996)


def test_the_bar_brings_back_at_most_the_allowed_share_and_never_goes_under_the_floor():
    def rows(*alone):
        return [(False, True, 0.001, p) for p in alone]

    many = rows(*(i / 1000 for i in range(100, 300)))  # 200 set aside: 2 may come back
    assert choose_sentence_set_aside(many, 0.05) == 0.298
    assert choose_sentence_set_aside(rows(0.01), 0.05) == 0.05
    assert choose_sentence_set_aside([(True, True, 0.001, 0.9)], 0.05) == 0.05
