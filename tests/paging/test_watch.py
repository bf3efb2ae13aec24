import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from paging.models import Notification, OnCallSchedule, Page, ShiftConfirmation
from paging.services import page_advance, page_raise
from paging.services.links import shift_token
from paging.services.watch import (
    coverage_gap_tick,
    escalation_tick,
    shift_confirmation_tick,
    watch_paging,
)
from tests.factories.cases import make_team
from tests.factories.paging import make_crisis_case, make_oncall_team, make_schedule
from tests.paging.receivers import PingReceiver

pytestmark = pytest.mark.django_db

# 06:30 in New York: the 08:00 handoff is 90 minutes away.
T0 = dt.datetime(2026, 3, 10, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def rotation():
    team, nurse, backup, supervisor = make_oncall_team()
    schedule = team.oncall_schedules.get(layer=OnCallSchedule.Layer.PRIMARY)
    schedule.members.create(user=backup, position=1)
    schedule.starts_on = dt.date(2026, 3, 1)
    schedule.save()
    return team, nurse, backup, supervisor


@time_machine.travel(T0, tick=False)
def test_the_nurse_coming_on_call_gets_a_test_on_each_channel(rotation):
    _team, _nurse, backup, _ = rotation

    shift_confirmation_tick()
    shift_confirmation_tick()  # idempotent

    confirmation = ShiftConfirmation.objects.get()
    assert confirmation.user == backup  # 2026-03-10 is day 9: odd, the second member
    channels = set(
        Notification.objects.filter(kind="shift_test", recipient=backup).values_list(
            "channel", flat=True
        )
    )
    assert channels == {"email", "console"}


def test_the_signed_link_confirms_the_shift(client, rotation):
    with time_machine.travel(T0, tick=False):
        shift_confirmation_tick()
    confirmation = ShiftConfirmation.objects.get()
    url = reverse("paging_public:shift_confirm", args=[shift_token(confirmation.pk)])

    assert client.get(url).status_code == 200
    client.post(url)

    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is not None
    with time_machine.travel(T0 + dt.timedelta(minutes=70), tick=False):
        shift_confirmation_tick()
    assert not Notification.objects.filter(kind="shift_unconfirmed").exists()


def test_an_unconfirmed_shift_warns_the_supervisor_once(rotation):
    _team, _nurse, _backup, supervisor = rotation
    with time_machine.travel(T0, tick=False):
        shift_confirmation_tick()

    with time_machine.travel(T0 + dt.timedelta(minutes=70), tick=False):
        shift_confirmation_tick()
        shift_confirmation_tick()

    warnings = Notification.objects.filter(kind="shift_unconfirmed")
    assert set(warnings.values_list("recipient", flat=True)) == {supervisor.pk}
    assert warnings.filter(channel="email").count() == 1


@time_machine.travel(T0, tick=False)
def test_supervisors_are_warned_of_uncovered_hours_once_a_day():
    team, _nurse, _backup, supervisor = make_oncall_team()
    schedule = team.oncall_schedules.get(layer="primary")
    schedule.ends_on = dt.date(2026, 3, 12)
    schedule.save()

    coverage_gap_tick()
    coverage_gap_tick()

    [email] = Notification.objects.filter(kind="coverage_gap", channel="email")
    assert email.recipient == supervisor
    assert email.detail["hours"] > 0


@time_machine.travel(T0, tick=False)
def test_a_covered_week_sends_no_gap_warning():
    make_oncall_team()

    coverage_gap_tick()

    assert not Notification.objects.filter(kind="coverage_gap").exists()


def test_the_tick_delivers_a_page_whose_delivery_task_was_lost_within_seconds():
    team, *_ = make_oncall_team()
    with time_machine.travel(T0, tick=False):
        case, signals = make_crisis_case(team)
        page = page_raise(case=case, signals=signals)  # its delivery task never runs here
        # The delivery task gets a few seconds before the tick steps in.
        assert escalation_tick() == []

    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False):
        to_send = escalation_tick()
        assert sorted(to_send) == sorted(
            str(pk) for pk in Notification.objects.filter(page=page).values_list("pk", flat=True)
        )
        assert len(to_send) == 2
        assert escalation_tick() == []


def test_the_watcher_pings_the_heartbeat_only_when_nothing_is_late(settings):
    team, *_ = make_oncall_team()
    with PingReceiver() as ping:
        settings.PAGING_HEARTBEAT_URL = ping.url
        assert watch_paging() is True
        assert ping.hits == 1

        case, signals = make_crisis_case(team)
        page = page_raise(case=case, signals=signals)
        two_minutes_ago = timezone.now() - dt.timedelta(minutes=2)
        Page.objects.filter(pk=page.pk).update(
            next_action_at=two_minutes_ago, created_at=two_minutes_ago
        )
        assert watch_paging() is False
        assert ping.hits == 1

        escalation_tick()
        Notification.objects.filter(page=page).update(status="sent")
        assert watch_paging() is True
        assert ping.hits == 2


def test_the_watcher_reports_a_send_stuck_past_its_lease(settings):
    settings.PAGING_HEARTBEAT_URL = ""
    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    page_advance(page_id=page.pk)
    Notification.objects.filter(page=page).update(
        status="sending", lease_until=timezone.now() - dt.timedelta(minutes=5)
    )

    assert watch_paging() is False


def test_the_watcher_reports_a_page_that_reached_nobody(settings):
    settings.PAGING_HEARTBEAT_URL = ""
    team = make_team("north")
    make_schedule(team, [])  # nobody on call, no supervisor, no administrator
    with time_machine.travel(T0, tick=False):
        case, signals = make_crisis_case(team)
        page_raise(case=case, signals=signals)
        escalation_tick()

    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        assert watch_paging() is False
