"""Screener scoring: public bands, crisis items, strict input checks, item wording."""

import pytest

from triage.engine import (
    ScreenerInputError,
    score_asq,
    score_cssrs,
    score_gad7,
    score_phq9,
    screener_items,
)


def answers_with_total(total: int, items: int, last_item_zero: bool = True) -> list[int]:
    """Answers summing to ``total``, filling from the first item (item 9 last)."""
    answers = [0] * items
    fillable = items - 1 if last_item_zero else items
    for i in range(fillable):
        answers[i] = min(3, total)
        total -= answers[i]
    if total:
        answers[-1] = total
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
        (27, "severe"),
    ],
)
def test_it_bands_phq9_totals(total, band):
    result = score_phq9(answers_with_total(total, 9))
    assert result.total == total
    assert result.band == band
    assert str(total) in result.label


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_it_bands_gad7_totals(total, band):
    result = score_gad7(answers_with_total(total, 7, last_item_zero=False))
    assert (result.total, result.band, result.crisis) == (total, band, False)


def test_it_flags_phq9_item9_whatever_the_total():
    result = score_phq9([0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1 and result.band == "minimal"
    assert result.crisis is True
    assert result.flags == ("item9_positive",)
    assert any("several days" in r and "crisis" in r for r in result.reasons)


def test_it_reports_but_does_not_score_phq9_difficulty():
    plain = score_phq9([1] * 9)
    with_difficulty = score_phq9([1] * 9, difficulty=3)
    assert plain.total == with_difficulty.total == 9
    assert with_difficulty.difficulty == "extremely difficult"
    assert plain.difficulty is None


@pytest.mark.parametrize(
    ("fn", "answers", "item", "words"),
    [
        (score_phq9, [0] * 8, None, "expected 9 answers, got 8"),
        (score_phq9, [0] * 10, None, "expected 9 answers"),
        (score_phq9, [0] * 8 + [4], 9, "0-3"),
        (score_phq9, [0, -1] + [0] * 7, 2, "0-3"),
        (score_phq9, [0, 0, True] + [0] * 6, 3, "integer"),
        (score_phq9, [0, 0, "2"] + [0] * 6, 3, "integer"),
        (score_phq9, [0, None] + [0] * 7, 2, "missing"),
        (score_phq9, "000000000", None, "list"),
        (score_gad7, [0] * 6, None, "expected 7"),
        (score_gad7, [0, 0, 0, 1.5, 0, 0, 0], 4, "integer"),
        (score_asq, ["no", "no", "maybe", "no"], 3, "yes, no, refused"),
        (score_asq, ["no"] * 3, None, "expected 4 or 5"),
        (score_asq, ["yes", "no", "no", "no"], 5, "required after a positive"),
        (score_asq, ["yes", "no", "no", "no", True], 5, "yes, no, refused"),
        (score_cssrs, ["no"] * 5, None, "expected 6"),
        (score_cssrs, [None, "no", None, None, None, "no"], 1, "always asked"),
        (score_cssrs, ["no", "no", None, None, None, "yes"], 6, "yes_within_3_months"),
        (score_cssrs, ["no", "maybe", None, None, None, "no"], 2, "'yes' or 'no'"),
    ],
)
def test_it_rejects_bad_answers_naming_the_item(fn, answers, item, words):
    with pytest.raises(ScreenerInputError) as exc:
        fn(answers)
    assert exc.value.item == item
    assert words in str(exc.value)
    if item is not None:
        assert f"item {item}" in str(exc.value)


def test_it_rejects_bad_phq9_difficulty():
    with pytest.raises(ScreenerInputError, match="difficulty"):
        score_phq9([0] * 9, difficulty=4)


def test_it_scores_asq_all_no_as_negative():
    result = score_asq(["no", "no", "no", "no"])
    assert (result.band, result.crisis, result.total) == ("negative", False, None)


def test_it_scores_asq_yes_without_current_thoughts_as_non_acute():
    result = score_asq(["yes", "no", "no", "no", "no"])
    assert result.band == "non_acute_positive"
    assert result.crisis is True


def test_it_scores_asq_current_thoughts_as_acute():
    result = score_asq(["no", "no", "yes", "no", "yes"])
    assert result.band == "acute_positive"
    assert "imminent" in result.label


def test_it_treats_an_asq_refusal_as_positive():
    result = score_asq(["no", "refused", "no", "no", "no"])
    assert result.band == "non_acute_positive"
    assert "refused question 2" in result.label
    assert "refused" in result.flags


def test_it_labels_an_asq_screen_resting_on_a_past_attempt():
    result = score_asq(["no", "no", "no", "yes", "no"])
    assert result.label.startswith("non-acute positive screen")
    assert result.label.endswith("(includes a past suicide attempt)")
    assert "past_attempt" in result.flags


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        (["no", "no", None, None, None, "no"], "none"),
        (["yes", "no", None, None, None, "no"], "low"),
        (["yes", "yes", "no", "no", "no", "no"], "low"),
        (["yes", "yes", "yes", "no", "no", "no"], "moderate"),
        (["no", "no", None, None, None, "yes_over_3_months"], "moderate"),
        (["yes", "yes", "yes", "yes", "no", "no"], "high"),
        (["no", "yes", "no", "no", "yes", "no"], "high"),
        (["no", "no", None, None, None, "yes_within_3_months"], "high"),
        # Scored as given even when Q3 was asked without a yes to Q2.
        (["no", "no", "yes", None, None, "no"], "moderate"),
    ],
)
def test_it_rates_cssrs_risk_by_highest_item(answers, band):
    result = score_cssrs(answers)
    assert result.band == band
    assert result.crisis is (band != "none")
    assert result.total is None


def test_it_never_sums_cssrs_items():
    # Two low-risk items stay low: risk is the highest item, not a count.
    assert score_cssrs(["yes", "yes", "no", "no", "no", "no"]).band == "low"


@pytest.mark.parametrize("screener", ["phq9", "gad7", "asq", "cssrs"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_exports_item_wording(screener, language):
    items = screener_items(screener, language)
    expected = {"phq9": 9, "gad7": 7, "asq": 5, "cssrs": 6}[screener]
    assert len(items["items"]) == expected
    assert all(isinstance(text, str) and text for text in items["items"])
    assert items["options"] and items["source"]


def test_it_gives_spanish_wording_in_spanish():
    assert screener_items("phq9", "es")["options"][1]["label"] == "Varios días"
    assert "muerto" in screener_items("phq9", "es")["items"][8]


def test_it_refuses_unknown_screeners_and_languages():
    with pytest.raises(KeyError):
        screener_items("beck", "en")
    with pytest.raises(KeyError):
        screener_items("phq9", "fr")
