import datetime as dt
import zoneinfo

import pytest

from paging.models import OnCallSchedule, ShiftOverride
from paging.services.oncall import coverage_gaps, oncall_at, upcoming_shifts
from tests.factories.accounts import make_staff
from tests.factories.cases import make_team
from tests.factories.paging import make_schedule

pytestmark = pytest.mark.django_db

NY = zoneinfo.ZoneInfo("America/New_York")


def local(y, m, d, h, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=NY)


@pytest.fixture
def team():
    return make_team("north")


@pytest.fixture
def nurses(team):
    return [make_staff("nurse", team=team, username=f"n{i}") for i in range(3)]


def test_a_daily_rotation_hands_off_at_the_handoff_time_in_its_time_zone(team, nurses):
    make_schedule(team, nurses, starts_on=dt.date(2026, 3, 2), handoff_time=dt.time(8, 0))

    assert oncall_at(team, at=local(2026, 3, 2, 7, 59)) is None  # before the first shift
    assert oncall_at(team, at=local(2026, 3, 2, 8, 0)) == nurses[0]
    assert oncall_at(team, at=local(2026, 3, 3, 7, 59)) == nurses[0]
    assert oncall_at(team, at=local(2026, 3, 3, 8, 0)) == nurses[1]
    assert oncall_at(team, at=local(2026, 3, 5, 9, 0)) == nurses[0]  # wrapped round


def test_the_handoff_stays_at_the_local_time_across_a_dst_change(team, nurses):
    # US clocks go forward on 2026-03-08.
    make_schedule(team, nurses, starts_on=dt.date(2026, 3, 7), handoff_time=dt.time(8, 0))

    assert oncall_at(team, at=local(2026, 3, 8, 7, 59)) == nurses[0]
    assert oncall_at(team, at=local(2026, 3, 8, 8, 0)) == nurses[1]
    shifts = upcoming_shifts(team, "primary", start=local(2026, 3, 7, 8, 0), days=2)
    assert [s.hours for s in shifts] == [23.0, 24.0]


def test_a_weekly_rotation(team, nurses):
    make_schedule(
        team, nurses[:2], rotation=OnCallSchedule.Rotation.WEEKLY, starts_on=dt.date(2026, 3, 2)
    )

    assert oncall_at(team, at=local(2026, 3, 8, 23)) == nurses[0]
    assert oncall_at(team, at=local(2026, 3, 9, 9)) == nurses[1]
    assert oncall_at(team, at=local(2026, 3, 16, 9)) == nurses[0]


def test_a_custom_twelve_hour_rotation(team, nurses):
    make_schedule(
        team,
        nurses[:2],
        rotation=OnCallSchedule.Rotation.CUSTOM,
        shift_hours=12,
        starts_on=dt.date(2026, 3, 2),
        handoff_time=dt.time(7, 0),
    )

    assert oncall_at(team, at=local(2026, 3, 2, 18, 59)) == nurses[0]
    assert oncall_at(team, at=local(2026, 3, 2, 19, 0)) == nurses[1]
    assert oncall_at(team, at=local(2026, 3, 3, 7, 0)) == nurses[0]


def test_an_override_swaps_part_of_a_shift(team, nurses):
    schedule = make_schedule(team, nurses[:1], starts_on=dt.date(2026, 3, 2))
    ShiftOverride.objects.create(
        schedule=schedule,
        user=nurses[2],
        starts_at=local(2026, 3, 3, 12),
        ends_at=local(2026, 3, 3, 18),
    )

    assert oncall_at(team, at=local(2026, 3, 3, 11, 59)) == nurses[0]
    assert oncall_at(team, at=local(2026, 3, 3, 12, 0)) == nurses[2]
    assert oncall_at(team, at=local(2026, 3, 3, 18, 0)) == nurses[0]
    shifts = upcoming_shifts(team, "primary", start=local(2026, 3, 3, 8), days=1)
    assert [(s.user, s.override) for s in shifts] == [
        (nurses[0], False), (nurses[2], True), (nurses[0], False)
    ]  # fmt: skip


def test_the_backup_layer_is_its_own_schedule(team, nurses):
    make_schedule(team, nurses[:1], starts_on=dt.date(2026, 3, 2))
    make_schedule(team, nurses[1:2], layer="backup", starts_on=dt.date(2026, 3, 2))

    at = local(2026, 3, 4, 12)
    assert oncall_at(team, "primary", at) == nurses[0]
    assert oncall_at(team, "backup", at) == nurses[1]


def test_gaps_are_the_hours_nobody_covers_in_the_coming_week(team, nurses):
    make_schedule(team, nurses[:2], starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 5))
    nurses[1].is_active = False
    nurses[1].save()

    gaps = coverage_gaps(team, start=local(2026, 3, 2, 8), days=7)

    # Every other day is a deactivated nurse's; after the last day nobody at all.
    assert [(g.starts_at.astimezone(NY), g.ends_at.astimezone(NY)) for g in gaps] == [
        (local(2026, 3, 3, 8), local(2026, 3, 4, 8)),
        (local(2026, 3, 5, 8), local(2026, 3, 9, 8)),
    ]


def test_a_team_without_a_schedule_is_one_long_gap(team):
    gaps = coverage_gaps(team, start=local(2026, 3, 2, 8), days=7)

    assert len(gaps) == 1 and gaps[0].hours == 7 * 24


def test_someone_who_left_the_team_is_not_on_call(team, nurses):
    make_schedule(team, nurses[:1], starts_on=dt.date(2026, 3, 2))
    nurses[0].teammembership_set.all().delete()

    assert oncall_at(team, at=local(2026, 3, 3, 9)) is None
