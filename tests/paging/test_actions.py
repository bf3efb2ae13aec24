"""One-tap page actions (services/actions.py): what each does, its bounds, double
taps, and who may use it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from cases.models import CaseEvent
from paging.models import Notification, Page
from paging.services import actions, page_advance, page_raise
from tests.factories.accounts import make_staff
from tests.factories.paging import (
    make_crisis_case,
    make_oncall_team,
    make_policy,
)

pytestmark = pytest.mark.django_db

# 0: primary, 5 min: backup, 10 min: supervisors, 20 min: the whole team.
STEPS = [
    (0, "primary", None),
    (300, "backup", None),
    (600, "supervisors", None),
    (1200, "team", None),
]


@pytest.fixture
def oncall():
    team, nurse, backup, supervisor = make_oncall_team()
    make_policy(team, STEPS)
    return team, nurse, backup, supervisor


def _ringing(team) -> Page:
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    page_advance(page_id=page.pk)  # step 1 (primary) notified
    page.refresh_from_db()
    return page


def _events(page, action):
    return CaseEvent.objects.filter(case_id=page.case_id, data__action=action)


def _audits(page, action):
    return AccessEvent.objects.filter(
        object_type="paging.page", object_id=str(page.pk), action="update", details__action=action
    )


def test_it_acknowledges_once_and_a_second_tap_changes_nothing(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)

    first = actions.page_ack(page_id=page.pk, user=nurse)
    second = actions.page_ack(page_id=page.pk, user=nurse)

    assert first.done and not second.done
    assert "already acknowledged" in second.message
    page.refresh_from_db()
    assert (page.status, page.acknowledged_by) == ("acknowledged", nurse)
    assert _events(page, "acknowledged").count() == 1
    assert _audits(page, "acknowledge").count() == 1


def test_escalate_now_runs_the_next_step_at_once(oncall):
    team, nurse, backup, _ = oncall
    page = _ringing(team)

    outcome = actions.page_escalate_now(page_id=page.pk, user=nurse, fence=page.fence)

    assert outcome.done
    page.refresh_from_db()
    assert page.step_index == 2  # backup (step 2) ran; supervisors are next
    assert Notification.objects.filter(page=page, step=1, recipient=backup).exists()
    assert _events(page, "escalate").get().actor == nurse
    assert _audits(page, "escalate").count() == 1


def test_a_double_tap_on_escalate_now_escalates_once(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    shown = page.fence  # both taps carry the fence of the panel they were made on

    first = actions.page_escalate_now(page_id=page.pk, user=nurse, fence=shown)
    second = actions.page_escalate_now(page_id=page.pk, user=nurse, fence=shown)

    assert first.done and not second.done
    assert "changed since you looked" in second.message
    page.refresh_from_db()
    assert page.step_index == 2
    assert _events(page, "escalate").count() == 1


def test_escalate_now_on_an_acknowledged_page_rings_again(oncall):
    team, nurse, backup, _ = oncall
    page = _ringing(team)
    page = actions.page_ack(page_id=page.pk, user=nurse).page

    actions.page_escalate_now(page_id=page.pk, user=nurse, fence=page.fence)

    page.refresh_from_db()
    assert page.status == "triggered"
    assert Notification.objects.filter(page=page, recipient=backup).exists()


def test_reassign_hands_the_page_to_a_colleague_on_call_and_notifies_them(oncall):
    team, nurse, backup, _ = oncall
    page = _ringing(team)
    page = actions.page_ack(page_id=page.pk, user=nurse).page

    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        outcome = actions.page_reassign(
            page_id=page.pk, user=nurse, to_user_id=backup.pk, fence=page.fence
        )

    assert outcome.done
    page.refresh_from_db()
    assert (page.status, page.assigned_to, page.acknowledged_by) == ("triggered", backup, None)
    # Five minutes for the colleague before the next step runs.
    assert page.next_action_at == now + actions.REASSIGN_GRACE
    sent_to = set(
        Notification.objects.filter(page=page, attempt_key__contains=":reassign:").values_list(
            "recipient", "channel"
        )
    )
    assert {(backup.pk, "console"), (backup.pk, "email")} <= sent_to
    assert _events(page, "reassign").get().data["to"] == backup.pk
    assert _audits(page, "reassign").count() == 1


def test_reassign_only_to_someone_on_call_now(oncall):
    team, nurse, _backup, supervisor = oncall
    page = _ringing(team)

    with pytest.raises(actions.ActionError, match="on call now"):
        actions.page_reassign(page_id=page.pk, user=nurse, to_user_id=supervisor.pk, fence=None)

    page.refresh_from_db()
    assert page.assigned_to is None
    assert not _events(page, "reassign").exists()


def test_snooze_holds_the_next_step(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)

    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        outcome = actions.page_snooze(page_id=page.pk, user=nurse, minutes=10, fence=page.fence)

    assert outcome.done
    page.refresh_from_db()
    assert page.next_action_at == now + dt.timedelta(minutes=10)
    assert (page.snoozed_until, page.snoozed_by) == (now + dt.timedelta(minutes=10), nurse)
    assert _events(page, "snooze").get().data["minutes"] == 10
    assert _audits(page, "snooze").count() == 1
    # Nothing runs while snoozed, even after the backup step's own time.
    assert page_advance(page_id=page.pk, now=now + dt.timedelta(minutes=6)) == []


def test_snooze_never_passes_the_policys_last_step(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)  # the last step (whole team) is due 20 minutes after raising

    with time_machine.travel(page.created_at + dt.timedelta(minutes=12), tick=False):
        assert actions.snooze_choices(page) == [5]
        with pytest.raises(actions.ActionError, match="last step"):
            actions.page_snooze(page_id=page.pk, user=nurse, minutes=10, fence=None)

    page.refresh_from_db()
    assert page.snoozed_until is None


def test_snooze_takes_only_the_offered_lengths(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)

    with pytest.raises(actions.ActionError, match="5, 10, 15, 30"):
        actions.page_snooze(page_id=page.pk, user=nurse, minutes=600, fence=None)


def test_when_the_snooze_ends_the_steps_that_fell_due_run(oncall):
    team, nurse, backup, supervisor = oncall
    page = _ringing(team)
    actions.page_snooze(page_id=page.pk, user=nurse, minutes=15, fence=page.fence)

    page_advance(page_id=page.pk, now=timezone.now() + dt.timedelta(minutes=16))

    notified = set(Notification.objects.filter(page=page).values_list("recipient", flat=True))
    assert {backup.pk, supervisor.pk} <= notified


@pytest.mark.parametrize("action", ["acknowledge", "escalate", "snooze"])
def test_a_nurse_of_another_team_cannot_act(oncall, action):
    team, *_ = oncall
    page = _ringing(team)
    outsider = make_staff(Role.NURSE, team=make_oncall_team("south")[0])

    with pytest.raises(PermissionDenied):
        actions.run(action, page_id=page.pk, user=outsider, params={"minutes": "5"})

    page.refresh_from_db()
    assert page.status == "triggered" and page.snoozed_until is None


def test_a_role_without_case_work_cannot_act(oncall):
    team, *_ = oncall
    page = _ringing(team)
    auditor = make_staff(Role.AUDITOR, team=team)

    with pytest.raises(PermissionDenied):
        actions.page_ack(page_id=page.pk, user=auditor)


def test_a_resolved_page_takes_no_action(oncall):
    from paging.services import page_resolve

    team, nurse, *_ = oncall
    page = page_resolve(page=_ringing(team), user=nurse, note="Spoke to the patient.")

    outcome = actions.page_escalate_now(page_id=page.pk, user=nurse, fence=None)

    assert not outcome.done and "resolved" in outcome.message
