import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.engine.model_metrics import (
    average_precision,
    expected_calibration_error,
    reliability,
    roc_auc,
    wilson_interval,
)


def test_roc_auc_of_a_perfect_a_reversed_and_a_tied_ranking():
    labels = [False, False, True, True]
    assert roc_auc(labels, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc(labels, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc(labels, [0.5, 0.5, 0.5, 0.5]) == 0.5


def test_roc_auc_matches_the_pair_count():
    labels = [True, False, True, False, True]
    scores = [0.9, 0.7, 0.6, 0.6, 0.2]
    # of six crisis/no-crisis pairs, 0.9>0.7 and 0.9>0.6 are right, 0.6=0.6 counts half
    assert roc_auc(labels, scores) == pytest.approx(2.5 / 6)


def test_average_precision_of_a_known_ranking():
    # ranks: T F T -> precision at the two hits: 1/1 and 2/3
    assert average_precision([True, False, True], [0.9, 0.8, 0.7]) == pytest.approx((1 + 2 / 3) / 2)


def test_a_calibrated_bin_has_no_error_and_an_overconfident_one_does():
    labels = [True] * 9 + [False]
    assert expected_calibration_error(labels, [0.9] * 10) == pytest.approx(0.0, abs=1e-9)
    assert expected_calibration_error([True, False], [0.95, 0.95]) == pytest.approx(0.45)


def test_reliability_bins_count_every_prediction():
    bins = reliability([True, False, True], [0.05, 0.55, 1.0])
    assert sum(b.count for b in bins) == 3
    assert bins[-1].count == 1 and bins[-1].crisis_rate == 1.0


@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1)), min_size=2, max_size=60))
def test_figures_stay_between_zero_and_one(pairs):
    labels = [y for y, _ in pairs]
    scores = [p for _, p in pairs]
    for value in (roc_auc(labels, scores), average_precision(labels, scores)):
        assert value is None or 0.0 <= value <= 1.0 + 1e-9
    assert 0.0 <= expected_calibration_error(labels, scores) <= 1.0


def test_the_wilson_interval_holds_the_proportion_and_narrows_with_more_data():
    low, high = wilson_interval(95, 100)
    assert low < 0.95 < high and high - low < 0.1
    wide_low, wide_high = wilson_interval(19, 20)
    assert wide_high - wide_low > high - low
    assert wilson_interval(0, 0) is None and wilson_interval(10, 10)[1] == 1.0
