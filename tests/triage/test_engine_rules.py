"""Triage rules: each acuity, every fired rule listed, thresholds as script data."""

import pytest

from triage.engine import (
    ACUITY_ORDER,
    EMERGENT,
    ROUTINE,
    SOON,
    URGENT,
    Acuity,
    IntakeFacts,
    ScreenerInputError,
    Script,
    acuity_rank,
    default_script,
    max_acuity,
    triage,
)

CALM = {
    "phq9": [0] * 9,
    "gad7": [0] * 7,
    "asq": ["no", "no", "no", "no"],
    "cssrs": ["no", "no", None, None, None, "no"],
}


def facts(**changes) -> IntakeFacts:
    return IntakeFacts(**{**CALM, **changes})


def rule_ids(decision) -> set[str]:
    return {r.rule_id for r in decision.reasons}


def test_it_defaults_to_routine_with_a_reason():
    decision = triage(facts(free_text="I would like help with my sleep."))
    assert decision.acuity == ROUTINE
    assert decision.crisis is False
    assert [r.text for r in decision.reasons] == ["No rule raised the acuity"]
    assert decision.script_version == default_script().version


def test_it_makes_moderate_scores_soon():
    decision = triage(facts(phq9=[2, 1, 1, 1, 1, 1, 1, 2, 0]))
    assert decision.acuity == SOON
    assert rule_ids(decision) == {"phq9.total_soon"}
    assert "PHQ-9 total 10" in decision.reasons[0].text


def test_it_makes_severe_scores_urgent_and_lists_both_thresholds():
    decision = triage(facts(phq9=[3, 3, 3, 3, 3, 3, 2, 0, 0], gad7=[3] * 5 + [0, 0]))
    assert decision.acuity == URGENT
    assert rule_ids(decision) == {
        "phq9.total_urgent",
        "phq9.total_soon",
        "gad7.total_urgent",
        "gad7.total_soon",
    }


def test_it_makes_phq9_item9_a_crisis_and_at_least_urgent():
    decision = triage(facts(phq9=[0] * 8 + [1]))
    assert decision.acuity == URGENT and decision.crisis is True
    (reason,) = decision.reasons
    assert reason.rule_id == "phq9.item9"
    assert "answered 'several days'" in reason.text and "crisis signal" in reason.text


def test_it_makes_an_acute_asq_emergent():
    decision = triage(facts(asq=["yes", "no", "yes", "no", "yes"]))
    assert decision.acuity == EMERGENT and decision.crisis
    assert "asq.acute_positive" in rule_ids(decision)


def test_it_makes_a_non_acute_asq_urgent():
    decision = triage(facts(asq=["no", "no", "no", "yes", "no"]))
    assert decision.acuity == URGENT
    assert "past suicide attempt" in decision.reasons[0].text


@pytest.mark.parametrize(
    ("cssrs", "acuity", "rule"),
    [
        (["yes", "no", None, None, None, "no"], SOON, "cssrs.low"),
        (["yes", "yes", "yes", "no", "no", "no"], URGENT, "cssrs.moderate"),
        (["yes", "yes", "yes", "yes", "no", "no"], EMERGENT, "cssrs.high"),
        (["no", "no", None, None, None, "yes_within_3_months"], EMERGENT, "cssrs.high"),
    ],
)
def test_it_maps_cssrs_risk_to_acuity(cssrs, acuity, rule):
    decision = triage(facts(cssrs=cssrs))
    assert decision.acuity == acuity
    assert rule_ids(decision) == {rule}


def test_it_makes_a_self_crisis_in_free_text_emergent_with_the_quote():
    decision = triage(facts(free_text=["Reason for visit: anxiety", "I want to kill myself"]))
    assert decision.acuity == EMERGENT and decision.crisis
    assert "text.self_high" in rule_ids(decision)
    assert "“kill myself”" in decision.reasons[0].text
    assert decision.signals_by_text[0] == ()
    assert decision.signals[0].matched == "kill myself"


def test_it_makes_a_third_party_report_urgent():
    decision = triage(facts(free_text="My brother says he wants to die"))
    assert decision.acuity == URGENT and decision.crisis
    assert rule_ids(decision) == {"text.third_party"}


def test_it_records_advice_requests_without_raising_acuity():
    decision = triage(facts(free_text="Should I stop my sertraline?"))
    assert decision.acuity == ROUTINE
    assert rule_ids(decision) == {"text.advice_request", "default.routine"}
    assert decision.advice_requests[0].kind == "medication_change"


def test_it_lists_every_fired_rule_most_pressing_first():
    decision = triage(
        IntakeFacts(
            phq9=[3] * 9,
            gad7=[3] * 7,
            asq=["yes", "yes", "yes", "yes", "yes"],
            cssrs=["yes", "yes", "yes", "yes", "yes", "yes_within_3_months"],
            free_text=["I want to die", "Can I take ibuprofen with lexapro?"],
        )
    )
    assert decision.acuity == EMERGENT
    assert rule_ids(decision) == {
        "asq.acute_positive",
        "cssrs.high",
        "phq9.item9",
        "phq9.total_urgent",
        "phq9.total_soon",
        "gad7.total_urgent",
        "gad7.total_soon",
        "text.self_high",
        "text.advice_request",
    }
    ranks = [acuity_rank(r.acuity) for r in decision.reasons]
    assert ranks == sorted(ranks)  # most pressing (rank 0) first
    assert decision.screener("phq9").total == 27
    assert decision.screener("missing") is None


def test_it_takes_thresholds_from_the_script():
    doc = default_script().to_dict()
    for lang in doc["lexicon"]["languages"].values():
        lang["rules"] = lang["rules"][:1]  # the lexicon is not under test: keep it small
    for rule in doc["rules"]:
        if rule["id"] == "phq9.total_soon":
            rule["when"]["total_at_least"] = 5
    strict = Script.from_dict(doc)
    answers = facts(phq9=[1] * 5 + [0] * 4)
    assert triage(answers).acuity == ROUTINE
    assert triage(answers, strict).acuity == SOON


def test_it_raises_on_invalid_answers():
    with pytest.raises(ScreenerInputError):
        triage(facts(phq9=[0] * 8))


def test_it_copies_answers_into_tuples():
    f = IntakeFacts(phq9=[0] * 9, free_text="hello")
    assert f.phq9 == (0,) * 9 and f.free_text == ("hello",)


def test_it_orders_acuities_most_pressing_first():
    assert [acuity_rank(a) for a in (EMERGENT, URGENT, SOON, ROUTINE)] == [0, 1, 2, 3]
    assert ACUITY_ORDER == (EMERGENT, URGENT, SOON, ROUTINE)
    assert max_acuity("soon", "emergent", "routine") == EMERGENT
    assert max_acuity() == ROUTINE
    assert Acuity("urgent") == "urgent"
    with pytest.raises(ValueError):
        acuity_rank("whenever")
