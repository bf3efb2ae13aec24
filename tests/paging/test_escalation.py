import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import TeamMembership
from cases.models import Case, CaseEvent
from paging.models import EscalationStep, Notification, Page
from paging.services import page_acknowledge, page_advance, page_raise, page_resolve
from tests.factories.accounts import make_staff
from tests.factories.cases import make_team
from tests.factories.paging import make_crisis_case, make_oncall_team, make_policy

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)


def _raise(team):
    case, signals = make_crisis_case(team)
    return page_raise(case=case, signals=signals)


def _recipients(page, step, cycle=0):
    rows = Notification.objects.filter(page=page, step=step, cycle=cycle)
    return {(n.recipient.username if n.recipient else n.address, n.channel) for n in rows}


def _at(seconds):
    return T0 + dt.timedelta(seconds=seconds)


@time_machine.travel(T0, tick=False)
def test_the_first_step_notifies_the_primary_on_call_on_email_and_console():
    team, *_ = make_oncall_team()
    page = _raise(team)

    created = page_advance(page_id=page.pk, now=_at(0))

    assert len(created) == 2
    assert _recipients(page, 0) == {("north-nurse", "email"), ("north-nurse", "console")}
    page.refresh_from_db()
    assert page.step_index == 1
    assert page.next_action_at == _at(300)
    assert not page.fallback_used


@time_machine.travel(T0, tick=False)
def test_it_escalates_backup_supervisors_team_then_repeats_from_the_first_step():
    team, *_ = make_oncall_team()
    page = _raise(team)
    page_advance(page_id=page.pk, now=_at(0))

    assert page_advance(page_id=page.pk, now=_at(299)) == []
    page_advance(page_id=page.pk, now=_at(300))
    page_advance(page_id=page.pk, now=_at(600))
    page_advance(page_id=page.pk, now=_at(900))

    assert {r for r, _c in _recipients(page, 1)} == {"north-backup"}
    assert {r for r, _c in _recipients(page, 2)} == {"north-supervisor"}
    assert {r for r, _c in _recipients(page, 3)} == {
        "north-nurse", "north-backup", "north-supervisor"
    }  # fmt: skip
    page.refresh_from_db()
    assert (page.cycle, page.step_index) == (1, 0)
    assert page.next_action_at == _at(900 + 300)  # repeat_after of the default policy

    page_advance(page_id=page.pk, now=_at(1200))

    assert {r for r, _c in _recipients(page, 0, cycle=1)} == {"north-nurse"}


@time_machine.travel(T0, tick=False)
def test_a_step_runs_once_however_often_the_tick_and_the_task_both_advance_it():
    team, *_ = make_oncall_team()
    page = _raise(team)

    first = page_advance(page_id=page.pk, now=_at(1))
    again = page_advance(page_id=page.pk, now=_at(1))
    later = page_advance(page_id=page.pk, now=_at(2))

    assert len(first) == 2 and again == [] and later == []
    assert Notification.objects.filter(page=page).count() == 2


@time_machine.travel(T0, tick=False)
def test_a_late_tick_runs_every_step_that_came_due_meanwhile():
    team, *_ = make_oncall_team()
    page = _raise(team)

    page_advance(page_id=page.pk, now=_at(700))

    assert Notification.objects.filter(page=page).values("step").distinct().count() == 3
    page.refresh_from_db()
    assert page.next_action_at == _at(900)


@time_machine.travel(T0, tick=False)
def test_acknowledging_stops_escalation_and_skips_queued_notifications():
    team, nurse, *_ = make_oncall_team()
    page = _raise(team)
    page_advance(page_id=page.pk, now=_at(0))

    page_acknowledge(page=page, user=nurse)

    page.refresh_from_db()
    assert page.status == Page.Status.ACKNOWLEDGED
    assert page.next_action_at == _at(900)  # the acknowledgement timeout
    assert not Notification.objects.filter(page=page, status="pending").exists()
    assert page_advance(page_id=page.pk, now=_at(600)) == []
    event = CaseEvent.objects.get(case=page.case, data__action="acknowledged")
    assert event.actor == nurse and event.kind == CaseEvent.Kind.PAGE


@time_machine.travel(T0, tick=False)
def test_an_acknowledgement_without_action_lapses_and_escalation_resumes():
    team, nurse, *_ = make_oncall_team()
    page = _raise(team)
    page_advance(page_id=page.pk, now=_at(0))
    page_acknowledge(page=page, user=nurse)

    created = page_advance(page_id=page.pk, now=_at(900))

    page.refresh_from_db()
    assert page.status == Page.Status.TRIGGERED
    assert {r for r, _c in _recipients(page, 1)} == {"north-backup"}
    assert len(created) == 2
    assert CaseEvent.objects.filter(case=page.case, data__action="ack_lapsed").exists()


@pytest.mark.parametrize("action", ["claim", "note", "contact_attempt"])
def test_an_acknowledgement_followed_by_action_keeps_the_page_quiet(action):
    team, nurse, *_ = make_oncall_team()
    with time_machine.travel(T0, tick=False):
        page = _raise(team)
        page_advance(page_id=page.pk, now=_at(0))
        page_acknowledge(page=page, user=nurse)
    with time_machine.travel(_at(60), tick=False):
        if action == "claim":
            Case.objects.filter(pk=page.case_id).update(
                status=Case.Status.CLAIMED, claimed_by=nurse, claimed_at=timezone.now()
            )
        else:
            CaseEvent.objects.create(case=page.case, kind=action, actor=nurse, summary="x")

    assert page_advance(page_id=page.pk, now=_at(900)) == []

    page.refresh_from_db()
    assert page.status == Page.Status.ACKNOWLEDGED
    assert page.next_action_at is None


@time_machine.travel(T0, tick=False)
def test_with_nobody_on_call_the_supervisors_are_paged_as_fallback():
    team = make_team("south")
    make_staff("supervisor", team=team, username="south-supervisor")
    page = _raise(team)

    page_advance(page_id=page.pk, now=_at(0))

    page.refresh_from_db()
    assert page.fallback_used
    assert {r for r, _c in _recipients(page, 0)} == {"south-supervisor"}
    assert all(n.fallback for n in Notification.objects.filter(page=page))


@time_machine.travel(T0, tick=False)
def test_without_supervisors_the_fallback_addresses_and_administrators_are_paged(settings):
    settings.PAGING_FALLBACK_EMAILS = ["duty-manager@clinic.example"]
    team = make_team("east")
    admin = make_staff("administrator", username="east-admin")
    assert Group.objects.get(name="administrator").user_set.filter(pk=admin.pk).exists()
    page = _raise(team)

    page_advance(page_id=page.pk, now=_at(0))

    assert _recipients(page, 0) == {
        ("duty-manager@clinic.example", "email"),
        ("east-admin", "email"),
        ("east-admin", "console"),
    }


@time_machine.travel(T0, tick=False)
def test_a_named_person_step_and_channel_choice_follow_the_policy():
    team, _nurse, *_ = make_oncall_team()
    lead = make_staff("clinician", team=team, username="north-lead")
    policy = make_policy(team, [(0, EscalationStep.Target.USER, lead)])
    policy.steps.update(notify_email=False)
    page = _raise(team)

    page_advance(page_id=page.pk, now=_at(0))

    assert _recipients(page, 0) == {("north-lead", "console")}


@time_machine.travel(T0, tick=False)
def test_an_inactive_on_call_nurse_is_a_gap_and_the_fallback_is_used():
    team, nurse, *_ = make_oncall_team()
    nurse.is_active = False
    nurse.save()
    page = _raise(team)

    page_advance(page_id=page.pk, now=_at(0))

    assert {r for r, _c in _recipients(page, 0)} == {"north-supervisor"}


@time_machine.travel(T0, tick=False)
def test_resolving_needs_a_note_and_puts_it_on_the_case_timeline():
    team, nurse, *_ = make_oncall_team()
    page = _raise(team)

    with pytest.raises(ValueError):
        page_resolve(page=page, user=nurse, note="  ")
    page_resolve(page=page, user=nurse, note="Spoke with the patient; safety plan made.")

    page.refresh_from_db()
    assert page.status == Page.Status.RESOLVED
    assert page.next_action_at is None
    assert page.first_acknowledged_at == T0
    event = CaseEvent.objects.get(case=page.case, data__action="resolved")
    assert event.body == "Spoke with the patient; safety plan made."
    assert TeamMembership.objects.filter(user=nurse, team=team).exists()
