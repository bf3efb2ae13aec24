"""Service functions of the console actions (cases/actions.py)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from cases import actions, services
from cases.models import AcuityOverride, BreakGlassAccess, Case, CaseEvent, CrisisSignal
from tests.factories.cases import make_team
from tests.factories.console import ensure_roles, make_triaged_case, staff
from triage.models import Acuity

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("north")


@pytest.fixture
def nurse(team):
    return staff(Role.NURSE, team)


@pytest.fixture
def clinician(team):
    return staff(Role.CLINICIAN, team)


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind))


def audit_changes(case):
    return [
        e.details.get("change")
        for e in AccessEvent.objects.filter(object_id=str(case.pk)).order_by("sequence")
    ]


# ---- claim / release -----------------------------------------------------------------------


def test_it_claims_an_open_case(team, nurse):
    case = make_triaged_case(team)

    claimed = actions.case_claim(case=case, user=nurse)

    assert claimed.status == Case.Status.CLAIMED
    assert claimed.claimed_by == nurse
    assert claimed.claimed_at is not None
    assert len(events(case, CaseEvent.Kind.CLAIMED)) == 1
    assert audit_changes(case) == ["claim"]
    event = AccessEvent.objects.get(object_id=str(case.pk))
    assert event.action == AccessEvent.Action.UPDATE
    assert event.patient_ref == case.reference
    assert event.actor == nurse


def test_claiming_twice_is_harmless(team, nurse):
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=nurse)

    actions.case_claim(case=case, user=nurse)

    assert len(events(case, CaseEvent.Kind.CLAIMED)) == 1


def test_it_refuses_a_case_someone_else_claimed(team, nurse):
    case = make_triaged_case(team)
    other = staff(Role.NURSE, team, first_name="Robin", last_name="Other")
    actions.case_claim(case=case, user=other)

    with pytest.raises(actions.ClaimConflict, match="Robin Other"):
        actions.case_claim(case=case, user=nurse)

    assert Case.objects.get(pk=case.pk).claimed_by == other


def test_it_refuses_users_who_do_not_work_cases(team):
    auditor = staff(Role.AUDITOR, team)
    case = make_triaged_case(team)

    with pytest.raises(actions.ActionError):
        actions.case_claim(case=case, user=auditor)

    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_it_releases_own_claim(team, nurse):
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=nurse)

    released = actions.case_release(case=case, user=nurse)

    assert released.status == Case.Status.OPEN
    assert released.claimed_by is None
    assert len(events(case, CaseEvent.Kind.RELEASED)) == 1


def test_only_the_claimer_or_a_supervisor_releases(team, nurse):
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=nurse)

    with pytest.raises(actions.ActionError):
        actions.case_release(case=case, user=staff(Role.NURSE, team))
    actions.case_release(case=case, user=staff(Role.SUPERVISOR, team))

    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


@pytest.mark.django_db(transaction=True)
def test_two_nurses_claiming_at_once_one_wins_and_the_other_is_told():
    team = make_team("race")
    first, second = staff(Role.NURSE, team), staff(Role.NURSE, team)
    case = make_triaged_case(team)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def claim(user):
        try:
            barrier.wait(timeout=10)
            # Each thread has its own connection: the loser's conditional UPDATE
            # waits for the winner's row lock, then matches no row.
            actions.case_claim(case=case, user=user)
            outcomes[user.username] = "won"
        except actions.ClaimConflict as exc:
            outcomes[user.username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(type(v).__name__ for v in outcomes.values()) == ["ClaimConflict", "str"]
    winner = next(name for name, v in outcomes.items() if v == "won")
    loser_error = next(v for v in outcomes.values() if v != "won")
    case.refresh_from_db()
    assert case.status == Case.Status.CLAIMED
    assert case.claimed_by.username == winner
    assert "just claimed" in str(loser_error)
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLAIMED).count() == 1


# ---- notes, contact attempts ----------------------------------------------------------------


def test_a_note_is_sealed_on_the_timeline(team, nurse):
    case = make_triaged_case(team)

    event = actions.case_add_note(case=case, user=nurse, text="Called mother, no answer.")

    assert CaseEvent.objects.get(pk=event.pk).body == "Called mother, no answer."
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, summary FROM triage_caseevent WHERE id = %s", [event.pk])
        raw_body, summary = cursor.fetchone()
    assert "mother" not in raw_body
    assert "mother" not in summary
    assert audit_changes(case) == ["note"]


def test_an_empty_note_is_refused(team, nurse):
    with pytest.raises(actions.ActionError):
        actions.case_add_note(case=make_triaged_case(team), user=nurse, text="   ")


def test_a_contact_attempt_sets_the_last_attempt_time(team, nurse):
    case = make_triaged_case(team)

    actions.case_record_contact_attempt(
        case=case, user=nurse, method="phone", outcome="voicemail", note="left a message"
    )

    case.refresh_from_db()
    assert case.last_contact_attempt_at is not None
    (event,) = events(case, CaseEvent.Kind.CONTACT_ATTEMPT)
    assert event.data == {"method": "phone", "outcome": "voicemail"}


def test_a_contact_attempt_needs_a_known_method_and_outcome(team, nurse):
    case = make_triaged_case(team)
    with pytest.raises(actions.ActionError):
        actions.case_record_contact_attempt(case=case, user=nurse, method="fax", outcome="reached")
    with pytest.raises(actions.ActionError):
        actions.case_record_contact_attempt(case=case, user=nurse, method="phone", outcome="x")


# ---- overrides ---------------------------------------------------------------------------


def test_raising_the_acuity_applies_at_once_and_keeps_both_values(team, nurse):
    case = make_triaged_case(team, acuity=Acuity.SOON)

    override = actions.case_override_request(
        case=case, user=nurse, to_acuity=Acuity.EMERGENT, reason="Sounds worse on the phone"
    )

    case.refresh_from_db()
    assert override.status == AcuityOverride.Status.APPLIED
    assert (override.from_acuity, override.to_acuity) == (Acuity.SOON, Acuity.EMERGENT)
    assert case.acuity == Acuity.EMERGENT
    assert case.acuity_rank == 0
    assert case.triage_acuity == Acuity.SOON
    assert case.due_at == case.opened_at + timedelta(minutes=5)
    assert AcuityOverride.objects.get(pk=override.pk).reason == "Sounds worse on the phone"


def test_an_override_needs_a_reason(team, nurse):
    with pytest.raises(actions.ActionError, match="reason"):
        actions.case_override_request(
            case=make_triaged_case(team), user=nurse, to_acuity=Acuity.EMERGENT, reason=" "
        )


def worker_without_override(team):
    """Someone who works cases but may not override (whatever the roles grant today)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="test-case-workers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["read_phi", "work_cases"]
        )
    )
    user = staff(Role.NURSE, team)
    user.groups.set([group])
    return user


def test_lowering_needs_the_override_permission(team):
    user = worker_without_override(team)
    case = make_triaged_case(team, acuity=Acuity.SOON)

    with pytest.raises(actions.ActionError, match="permission"):
        actions.case_override_request(case=case, user=user, to_acuity=Acuity.ROUTINE, reason="x")
    raised = actions.case_override_request(
        case=case, user=user, to_acuity=Acuity.URGENT, reason="worse"
    )

    assert raised.status == AcuityOverride.Status.APPLIED
    assert Case.objects.get(pk=case.pk).acuity == Acuity.URGENT


def test_lowering_soon_applies_at_once_for_a_clinician(team, clinician):
    case = make_triaged_case(team, acuity=Acuity.SOON)

    override = actions.case_override_request(
        case=case, user=clinician, to_acuity=Acuity.ROUTINE, reason="Spoke to patient"
    )

    assert override.status == AcuityOverride.Status.APPLIED
    assert Case.objects.get(pk=case.pk).acuity == Acuity.ROUTINE


def test_lowering_urgent_waits_for_a_second_clinician(team, clinician):
    case = make_triaged_case(team, acuity=Acuity.URGENT)

    override = actions.case_override_request(
        case=case, user=clinician, to_acuity=Acuity.ROUTINE, reason="Already seen today"
    )

    assert override.status == AcuityOverride.Status.PENDING
    assert Case.objects.get(pk=case.pk).acuity == Acuity.URGENT
    with pytest.raises(actions.ActionError, match="different clinician"):
        actions.case_override_confirm(override=override, user=clinician)

    second = staff(Role.CLINICIAN, team)
    decided = actions.case_override_confirm(override=override, user=second)

    case.refresh_from_db()
    assert decided.status == AcuityOverride.Status.APPLIED
    assert decided.confirmed_by == second
    assert case.acuity == Acuity.ROUTINE
    assert case.triage_acuity == Acuity.URGENT


def test_the_database_refuses_self_confirmation(team, clinician):
    override = actions.case_override_request(
        case=make_triaged_case(team), user=clinician, to_acuity=Acuity.ROUTINE, reason="r"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AcuityOverride.objects.filter(pk=override.pk).update(confirmed_by=clinician)


def test_a_nurse_cannot_confirm(team, clinician, nurse):
    override = actions.case_override_request(
        case=make_triaged_case(team), user=clinician, to_acuity=Acuity.ROUTINE, reason="r"
    )
    with pytest.raises(actions.ActionError):
        actions.case_override_confirm(override=override, user=nurse)


def test_a_rejected_override_changes_nothing(team, clinician):
    case = make_triaged_case(team, acuity=Acuity.EMERGENT)
    override = actions.case_override_request(
        case=case, user=clinician, to_acuity=Acuity.SOON, reason="r"
    )

    actions.case_override_confirm(
        override=override, user=staff(Role.SUPERVISOR, team), approve=False
    )

    assert AcuityOverride.objects.get(pk=override.pk).status == AcuityOverride.Status.REJECTED
    assert Case.objects.get(pk=case.pk).acuity == Acuity.EMERGENT


def test_clearing_a_crisis_waits_for_a_second_clinician(team, clinician):
    case = make_triaged_case(team, acuity=Acuity.SOON, crisis=True)

    override = actions.case_override_request(
        case=case, user=clinician, to_acuity=Acuity.SOON, reason="Quoting a song", clear_crisis=True
    )

    assert override.status == AcuityOverride.Status.PENDING
    assert AcuityOverride.objects.get(pk=override.pk).clear_crisis is True
    assert Case.objects.get(pk=case.pk).crisis is True
    actions.case_override_confirm(override=override, user=staff(Role.CLINICIAN, team))
    assert Case.objects.get(pk=case.pk).crisis is False


def test_confirming_a_plain_lowering_leaves_the_crisis_flag(team, clinician):
    case = make_triaged_case(team, acuity=Acuity.EMERGENT, crisis=True)
    override = actions.case_override_request(
        case=case, user=clinician, to_acuity=Acuity.URGENT, reason="Seen by the crisis team"
    )

    actions.case_override_confirm(override=override, user=staff(Role.CLINICIAN, team))

    case.refresh_from_db()
    assert (case.acuity, case.crisis) == (Acuity.URGENT, True)


def test_a_stale_override_is_not_applied(team, clinician, nurse):
    case = make_triaged_case(team, acuity=Acuity.URGENT)
    override = actions.case_override_request(
        case=case, user=clinician, to_acuity=Acuity.ROUTINE, reason="r"
    )
    actions.case_override_request(case=case, user=nurse, to_acuity=Acuity.EMERGENT, reason="worse")

    decided = actions.case_override_confirm(override=override, user=staff(Role.CLINICIAN, team))

    assert decided.status == AcuityOverride.Status.REJECTED
    assert Case.objects.get(pk=case.pk).acuity == Acuity.EMERGENT


# ---- signals -----------------------------------------------------------------------------


def test_it_records_signal_feedback(team, nurse):
    case = make_triaged_case(team, crisis=True)
    signal = case.signals.get()

    actions.signal_review(signal=signal, user=nurse, review="false_positive")

    signal.refresh_from_db()
    assert signal.review == CrisisSignal.Review.FALSE_POSITIVE
    assert signal.reviewed_by == nurse
    # Feedback, not an override: the case stays a crisis case.
    assert Case.objects.get(pk=case.pk).crisis is True
    assert len(events(case, CaseEvent.Kind.SIGNAL_REVIEW)) == 1


def test_a_missed_signal_makes_the_case_a_crisis_case(team, nurse):
    case = make_triaged_case(team)

    signal = actions.signal_record_missed(
        case=case, user=nurse, category="suicide", note="Said on the phone they have a plan"
    )

    assert signal.source == CrisisSignal.Source.STAFF
    assert CrisisSignal.objects.get(pk=signal.pk).matched == "Said on the phone they have a plan"
    assert Case.objects.get(pk=case.pk).crisis is True
    assert audit_changes(case) == ["missed_signal"]


def test_a_missed_signal_on_a_routine_case_makes_it_emergent_and_pages(team, nurse):
    case = make_triaged_case(team, acuity="routine")
    assert not case.pages.exists()

    signal = actions.signal_record_missed(
        case=case, user=nurse, category="suicide", note="Goodbye message to their sister"
    )

    case = Case.objects.get(pk=case.pk)
    assert (case.acuity, case.crisis) == ("emergent", True)
    page = case.pages.get()
    assert list(page.signals.all()) == [signal]
    assert case.events.filter(summary="Acuity raised to emergent by staff").exists()


# ---- disposition -------------------------------------------------------------------------


def test_a_disposition_closes_the_case(team, nurse):
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=nurse)

    closed = actions.case_dispose(case=case, user=nurse, disposition="appointment_booked")

    assert closed.status == Case.Status.CLOSED
    assert closed.disposition == "appointment_booked"
    assert closed.closed_at is not None
    assert len(events(case, CaseEvent.Kind.DISPOSITION)) == 1
    with pytest.raises(actions.ActionError):
        actions.case_dispose(case=case, user=nurse, disposition="closed")


def test_a_case_claimed_by_someone_else_is_not_closed_by_a_nurse(team, nurse):
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=staff(Role.NURSE, team))

    with pytest.raises(actions.ActionError):
        actions.case_dispose(case=case, user=nurse, disposition="closed")


def test_consent_withdrawal_is_not_a_clinical_disposition(team, nurse):
    with pytest.raises(actions.ActionError):
        actions.case_dispose(
            case=make_triaged_case(team), user=nurse, disposition="consent_withdrawn"
        )


# ---- overdue release ----------------------------------------------------------------------


def after_the_window(settings, minutes: int = 1):
    """A moment just past the claim window (the claims in these tests are made now)."""
    return timezone.now() + timedelta(minutes=settings.CLAIM_RELEASE_MINUTES + minutes)


def test_an_overdue_claim_without_contact_is_released_and_flagged(team, nurse, settings):
    overdue = make_triaged_case(team, due_at=timezone.now() - timedelta(minutes=1))
    contacted = make_triaged_case(team, due_at=timezone.now() - timedelta(minutes=1))
    in_time = make_triaged_case(team, due_at=timezone.now() + timedelta(days=1))
    for case in (overdue, contacted, in_time):
        actions.case_claim(case=case, user=nurse)
    actions.case_record_contact_attempt(
        case=contacted, user=nurse, method="phone", outcome="no_answer"
    )
    later = after_the_window(settings)

    released = services.cases_release_overdue(now=later)

    assert released == [overdue.pk]
    overdue.refresh_from_db()
    assert overdue.status == Case.Status.OPEN
    assert overdue.claimed_by is None
    assert overdue.flagged is True
    (flag,) = events(overdue, CaseEvent.Kind.FLAGGED)
    assert flag.data["claimed_by"] == nurse.pk
    assert Case.objects.get(pk=contacted.pk).status == Case.Status.CLAIMED
    assert Case.objects.get(pk=in_time.pk).status == Case.Status.CLAIMED
    assert services.cases_release_overdue(now=later) == []  # idempotent


def test_an_attempt_before_the_claim_does_not_count(team, nurse, settings):
    case = make_triaged_case(team, due_at=timezone.now() - timedelta(minutes=1))
    actions.case_record_contact_attempt(case=case, user=nurse, method="phone", outcome="no_answer")
    Case.objects.filter(pk=case.pk).update(
        last_contact_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    actions.case_claim(case=case, user=staff(Role.NURSE, team))

    assert services.cases_release_overdue(now=after_the_window(settings)) == [case.pk]


def test_claiming_a_case_already_late_gives_the_claimer_the_whole_window(team, nurse, settings):
    settings.CLAIM_RELEASE_MINUTES = 15
    late = make_triaged_case(team, due_at=timezone.now() - timedelta(days=2))
    actions.case_claim(case=late, user=nurse)
    claimed_at = Case.objects.get(pk=late.pk).claimed_at

    assert services.cases_release_overdue(now=claimed_at + timedelta(seconds=30)) == []
    assert services.cases_release_overdue(now=claimed_at + timedelta(minutes=14)) == []
    assert Case.objects.get(pk=late.pk).status == Case.Status.CLAIMED
    assert services.cases_release_overdue(now=claimed_at + timedelta(minutes=16)) == [late.pk]


def test_a_claim_made_in_time_is_released_at_the_target_once_the_window_has_passed(
    team, nurse, settings
):
    settings.CLAIM_RELEASE_MINUTES = 15
    case = make_triaged_case(team, due_at=timezone.now() + timedelta(hours=1))
    actions.case_claim(case=case, user=nurse)

    assert services.cases_release_overdue(now=timezone.now() + timedelta(minutes=59)) == []
    assert services.cases_release_overdue(now=timezone.now() + timedelta(minutes=61)) == [case.pk]


def test_the_window_is_a_setting(team, nurse, settings):
    settings.CLAIM_RELEASE_MINUTES = 2
    case = make_triaged_case(team, due_at=timezone.now() - timedelta(hours=1))
    actions.case_claim(case=case, user=nurse)

    assert services.cases_release_overdue(now=timezone.now() + timedelta(minutes=3)) == [case.pk]


def test_the_timeline_says_why_and_names_the_window(team, nurse, settings):
    settings.CLAIM_RELEASE_MINUTES = 20
    case = make_triaged_case(team, due_at=timezone.now() - timedelta(hours=1))
    actions.case_claim(case=case, user=nurse)
    claimed_at = Case.objects.get(pk=case.pk).claimed_at

    services.cases_release_overdue(now=claimed_at + timedelta(minutes=21))

    (flag,) = events(case, CaseEvent.Kind.FLAGGED)
    assert "20 minutes" in flag.summary
    assert "no contact attempt" in flag.summary
    assert flag.data == {
        "claimed_by": nurse.pk,
        "claimed_at": claimed_at.isoformat(),
        "window_minutes": 20,
    }
    (audit,) = AccessEvent.objects.filter(object_id=str(case.pk), details__change="overdue_release")
    assert audit.details["window_minutes"] == 20


def test_the_beat_task_runs_the_release(team, nurse, settings):
    from console.tasks import release_overdue_cases

    case = make_triaged_case(team, due_at=timezone.now() - timedelta(hours=1))
    actions.case_claim(case=case, user=nurse)
    assert release_overdue_cases.apply().get() == 0  # claimed just now: inside the window
    Case.objects.filter(pk=case.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=settings.CLAIM_RELEASE_MINUTES + 1)
    )

    assert release_overdue_cases.apply().get() == 1
    assert Case.objects.get(pk=case.pk).flagged is True


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_release(start_celery):
    from console.tasks import release_overdue_cases

    ensure_roles()
    team = make_team("worker")
    case = make_triaged_case(team, due_at=timezone.now() - timedelta(minutes=1))
    actions.case_claim(case=case, user=staff(Role.NURSE, team))
    Case.objects.filter(pk=case.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    worker = start_celery("worker")

    release_overdue_cases.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Case.objects.get(pk=case.pk).flagged:
        time.sleep(0.2)
    case.refresh_from_db()
    assert (case.status, case.flagged) == (Case.Status.OPEN, True), worker.log()


def test_the_release_runs_every_minute_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["console-release-overdue-cases"]
    assert entry == {"task": "console.tasks.release_overdue_cases", "schedule": 60.0}
    assert "console.tasks" in settings.CELERY_IMPORTS


# ---- break-glass review ----------------------------------------------------------------------


def test_a_supervisor_marks_a_break_glass_access_reviewed(team):
    case = make_triaged_case(team)
    outsider = staff(Role.CLINICIAN, make_team("south"))
    access = BreakGlassAccess.objects.create(
        case=case, user=outsider, reason="ED called", expires_at=timezone.now()
    )
    supervisor = staff(Role.SUPERVISOR, team)

    actions.break_glass_review(access=access, user=supervisor)

    access.refresh_from_db()
    assert access.reviewed_by == supervisor
    with pytest.raises(actions.ActionError):
        actions.break_glass_review(access=access, user=staff(Role.SUPERVISOR, make_team("east")))
