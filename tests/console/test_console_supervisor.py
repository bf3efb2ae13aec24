"""The supervisor view: queue health, rates per script version, fairness with suppression."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import actions
from cases.models import BreakGlassAccess
from console import reports
from intake.models import Intake
from tests.factories.cases import make_team
from tests.factories.console import make_triaged_case, signed_in, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("north")


def test_only_supervisors_open_it(client, team):
    signed_in(client, Role.NURSE, team)

    assert client.get(reverse("console:supervisor")).status_code == 403
    assert reverse("console:supervisor") not in client.get(reverse("console:home")).content.decode()


def test_supervisors_find_it_in_the_navigation(client, team):
    signed_in(client, Role.SUPERVISOR, team)

    assert reverse("console:supervisor") in client.get(reverse("console:home")).content.decode()


def test_queue_health(team):
    make_triaged_case(team, acuity="emergent", due_at=timezone.now() - timedelta(minutes=1))
    make_triaged_case(
        team,
        acuity="urgent",
        opened_ago=timedelta(hours=2),
        due_at=timezone.now() + timedelta(minutes=5),
    )
    make_triaged_case(team, acuity="urgent")
    make_triaged_case(make_team("south"), acuity="routine")

    health = reports.queue_health({team.pk}, timezone.now())

    assert dict(health.open_by_acuity) == {"Emergent": 1, "Urgent": 2, "Soon": 0, "Routine": 0}
    assert health.total == 3
    assert health.breached == 1
    assert timezone.now() - health.oldest_opened_at >= timedelta(hours=2)


def test_override_and_false_positive_rates_per_script_version(team):
    clinician = staff(Role.CLINICIAN, team)
    first = make_triaged_case(team, acuity="soon", crisis=True)
    make_triaged_case(team, acuity="soon")
    actions.case_override_request(case=first, user=clinician, to_acuity="urgent", reason="r")
    actions.signal_review(signal=first.signals.get(), user=clinician, review="false_positive")

    (rates,) = reports.rates_by_script_version({team.pk}, timezone.now() - timedelta(days=1))

    assert (rates.version, rates.cases, rates.overridden) == ("default-1", 2, 1)
    assert (rates.signals, rates.reviewed, rates.false_positives) == (1, 1, 1)
    assert rates.override_rate == 0.5
    assert rates.false_positive_rate == 1.0


def test_groups_smaller_than_ten_are_suppressed(team):
    for _ in range(10):
        make_triaged_case(team, acuity="urgent")
    for _ in range(3):
        case = make_triaged_case(team, acuity="soon")
        Intake.objects.filter(pk=case.intake_id).update(age_band="65+")

    counts = reports.outcome_counts({team.pk}, timezone.now() - timedelta(days=1))
    groups = {g.label: g for g in reports.outcomes_by_group(counts, "age_band")}

    assert groups["25-34"].suppressed is False
    assert dict(groups["25-34"].by_acuity)["Urgent"] == 10
    assert groups["65+"].suppressed is True
    assert groups["65+"].by_acuity == []


def test_the_page_shows_figures_and_suppression(client, team):
    signed_in(client, Role.SUPERVISOR, team)
    for _ in range(2):
        make_triaged_case(team)

    response = client.get(reverse("console:supervisor"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Queue health" in html
    assert "fewer than 10" in html
    assert "Dana Example" not in html
    assert "On call now" in html


def test_break_glass_review_list_and_mark_reviewed(client, team):
    supervisor = signed_in(client, Role.SUPERVISOR, team)
    case = make_triaged_case(team)
    access = BreakGlassAccess.objects.create(
        case=case,
        user=staff(Role.CLINICIAN, make_team("south")),
        reason="ED phoned",
        expires_at=timezone.now(),
    )

    listing = client.get(reverse("console:break_glass_review"))
    response = client.post(reverse("console:break_glass_reviewed", args=[access.pk]))

    assert "ED phoned" in listing.content.decode()
    assert response.status_code == 303
    access.refresh_from_db()
    assert access.reviewed_by == supervisor


def test_a_supervisor_of_another_team_cannot_mark_it(client, team):
    signed_in(client, Role.SUPERVISOR, make_team("east"))
    access = BreakGlassAccess.objects.create(
        case=make_triaged_case(team),
        user=staff(Role.CLINICIAN, make_team("south")),
        reason="x",
        expires_at=timezone.now(),
    )

    response = client.post(reverse("console:break_glass_reviewed", args=[access.pk]))

    assert response.status_code == 404
    access.refresh_from_db()
    assert access.reviewed_at is None
