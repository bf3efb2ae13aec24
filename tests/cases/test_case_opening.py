import time

import pytest

from cases.models import Case, CaseEvent, CrisisSignal, TriageResult
from cases.scanning import case_scan_of_record
from cases.selectors import cases_missing_scan
from intake.models import Intake
from intake.submission import case_open_from_intake

pytestmark = pytest.mark.django_db

CALM_ANSWERS = {
    "phq9": [0] * 9,
    "gad7": [0] * 7,
    "asq": {"q1": False, "q2": False, "q3": False, "q4": False},
}


def submitted_intake(intake_factory, reason: str, answers: dict | None = None) -> Intake:
    return intake_factory(reason=reason, answers=answers or CALM_ANSWERS)


def test_it_opens_a_routine_case_for_a_calm_intake(intake_factory):
    intake = submitted_intake(intake_factory, "I would like help with sleep and stress at work.")

    opening = case_open_from_intake(intake=intake)

    case = opening.case
    assert opening.crisis is False
    assert case.acuity == "routine" and case.acuity_rank == 3
    assert case.reference == intake.reference
    assert case.due_at > case.opened_at
    result = TriageResult.objects.get(case=case)
    assert result.script_version.startswith("default-")
    assert result.reasons[0]["rule_id"]
    assert not case.signals.exists()
    assert list(case.events.values_list("kind", flat=True)) == ["intake_submitted", "triaged"]


def test_the_phq9_difficulty_answer_reaches_the_engine_and_the_stored_result(intake_factory):
    answers = {**CALM_ANSWERS, "phq9": [1] * 9, "phq9_difficulty": 3}
    intake = submitted_intake(intake_factory, "Everything feels heavy.", answers)

    opening = case_open_from_intake(intake=intake)

    phq9 = TriageResult.objects.get(case=opening.case).screeners["phq9"]
    assert (phq9["total"], phq9["difficulty"]) == (9, "extremely difficult")


def test_a_crisis_sentence_makes_an_emergent_case_with_signals_and_a_page(intake_factory):
    intake = submitted_intake(intake_factory, "Honestly I want to kill myself tonight.")

    opening = case_open_from_intake(intake=intake)

    case = Case.objects.get(pk=opening.case.pk)
    assert opening.crisis is True
    assert case.crisis is True and case.acuity == "emergent"
    signal = case.signals.exclude(rule_id="model.concern").get(
        source=CrisisSignal.Source.INTAKE_TEXT
    )
    assert signal.category == "suicide"
    assert intake.reason[signal.span_start : signal.span_end] == signal.matched
    assert case.pages.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SIGNAL).exists()


def test_a_positive_phq9_item_9_is_a_crisis_signal_without_any_text(intake_factory):
    answers = {**CALM_ANSWERS, "phq9": [0, 0, 0, 0, 0, 0, 0, 0, 1]}
    intake = submitted_intake(intake_factory, "Just want to talk to someone.", answers)

    opening = case_open_from_intake(intake=intake)

    assert opening.crisis is True
    assert opening.case.signals.get().source == CrisisSignal.Source.SCREENER
    assert opening.case.pages.count() == 1


def test_a_request_for_medical_advice_marks_the_case_for_follow_up(intake_factory):
    intake = submitted_intake(intake_factory, "Should I stop taking my sertraline?")

    opening = case_open_from_intake(intake=intake)

    assert opening.case.needs_follow_up is True


def test_the_scan_of_record_is_idempotent_and_agrees_with_the_inline_run(intake_factory):
    intake = submitted_intake(intake_factory, "I want to kill myself tonight.")
    case = case_open_from_intake(intake=intake).case

    stored = case.signals.count()  # a lexicon signal, and the model's phrases
    first = case_scan_of_record(case_id=case.pk)
    second = case_scan_of_record(case_id=case.pk)

    assert first.pk == second.pk
    assert case.signals.count() == stored  # the same span is not stored twice
    assert case.pages.count() == 1


def test_unscanned_cases_are_found_by_the_sweep(intake_factory, settings):
    case = case_open_from_intake(intake=submitted_intake(intake_factory, "Hello.")).case
    Case.objects.filter(pk=case.pk).update(opened_at=case.opened_at.replace(year=2020))

    assert list(cases_missing_scan()) == [case.pk]
    case_scan_of_record(case_id=case.pk)
    assert list(cases_missing_scan()) == []


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_scan_of_record_after_commit(intake_factory, start_celery):
    start_celery("worker")
    intake = submitted_intake(intake_factory, "I took all my pills an hour ago.")

    case = case_open_from_intake(intake=intake).case

    deadline = time.monotonic() + 20
    scanned = TriageResult.objects.filter(case=case, source=TriageResult.Source.SCAN_OF_RECORD)
    while not scanned.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert scanned.get().crisis is True
