"""The live queue: ordering, timers, filters, polling, no PHI, one LIST event per load."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from cases import actions
from tests.factories.cases import make_team
from tests.factories.console import make_triaged_case, signed_in, staff

pytestmark = pytest.mark.django_db

POLL = {"HX-Request": "true", "X-Background-Poll": "1"}


@pytest.fixture
def team():
    return make_team("north")


def references(response) -> list[str]:
    html = response.content.decode()
    return [
        line.split('data-reference="')[1].split('"')[0]
        for line in html.splitlines()
        if 'data-reference="' in line
    ]


def test_it_lists_open_and_claimed_cases_most_pressing_first(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    routine_old = make_triaged_case(team, acuity="routine", opened_ago=timedelta(hours=5))
    urgent_new = make_triaged_case(team, acuity="urgent", opened_ago=timedelta(minutes=1))
    urgent_old = make_triaged_case(team, acuity="urgent", opened_ago=timedelta(minutes=30))
    emergent = make_triaged_case(team, acuity="emergent", opened_ago=timedelta(minutes=2))
    claimed = make_triaged_case(team, acuity="soon")
    actions.case_claim(case=claimed, user=nurse)
    closed = make_triaged_case(team, acuity="emergent")
    actions.case_dispose(case=closed, user=nurse, disposition="closed")

    response = client.get(reverse("console:home"))

    assert response.status_code == 200
    assert references(response) == [
        c.reference for c in (emergent, urgent_old, urgent_new, claimed, routine_old)
    ]


def test_it_shows_no_phi(client, team):
    signed_in(client, Role.NURSE, team)
    make_triaged_case(team, crisis=True)

    html = client.get(reverse("console:home")).content.decode()

    for value in ("Dana Example", "555 0100", "dana@example.org", "end my life"):
        assert value not in html


def test_other_teams_cases_are_not_listed(client, team):
    signed_in(client, Role.NURSE, team)
    mine = make_triaged_case(team)
    make_triaged_case(make_team("south"))

    assert references(client.get(reverse("console:home"))) == [mine.reference]


def test_overdue_cases_say_so_in_words_not_only_colour(client, team):
    signed_in(client, Role.NURSE, team)
    make_triaged_case(team, due_at=timezone.now() - timedelta(minutes=3))
    make_triaged_case(team, due_at=timezone.now() + timedelta(minutes=30))

    html = client.get(reverse("console:home")).content.decode()

    assert html.count("Overdue by 3 min") == 1
    assert html.count("Due in 29 min") == 1
    assert "⚠" in html


def test_crisis_cases_are_flagged_for_the_alert(client, team):
    signed_in(client, Role.NURSE, team)
    crisis = make_triaged_case(team, crisis=True)

    html = client.get(reverse("console:home")).content.decode()

    assert f'data-case="{crisis.pk}" data-reference="{crisis.reference}" data-crisis="1"' in html
    assert 'id="crisis-alert"' in html and 'role="alert"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"acuity": "emergent"}, ["emergent"]),
        ({"status": "claimed"}, ["claimed"]),
        ({"mine": "on"}, ["claimed"]),
        ({"crisis": "on"}, ["crisis"]),
    ],
)
def test_filters(client, team, query, expected):
    nurse = signed_in(client, Role.NURSE, team)
    cases = {
        "emergent": make_triaged_case(team, acuity="emergent"),
        "claimed": make_triaged_case(team, acuity="soon"),
        "crisis": make_triaged_case(team, acuity="urgent", crisis=True),
    }
    actions.case_claim(case=cases["claimed"], user=nurse)

    response = client.get(reverse("console:home"), query)

    assert references(response) == [cases[name].reference for name in expected]


def test_team_filter_and_search_by_reference(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    south = make_team("south")
    from accounts.models import TeamMembership

    TeamMembership.objects.create(user=nurse, team=south)
    north_case, south_case = make_triaged_case(team), make_triaged_case(south)

    by_team = client.get(reverse("console:home"), {"team": south.pk})
    by_code = client.get(reverse("console:home"), {"q": north_case.reference.lower()})
    by_bare_code = client.get(reverse("console:home"), {"q": north_case.reference.replace("-", "")})

    assert references(by_team) == [south_case.reference]
    assert references(by_code) == [north_case.reference]
    assert references(by_bare_code) == [north_case.reference]


def test_a_full_page_load_records_one_list_event_naming_the_references(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    client.get(reverse("console:home"))

    event = AccessEvent.objects.get()
    assert (event.action, event.actor, event.object_type) == ("list", nurse, "cases.case")
    assert event.details["references"] == [case.reference]
    assert event.details["count"] == 1
    assert event.patient_ref == ""


def test_a_search_records_a_search_event(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    client.get(reverse("console:home"), {"q": case.reference})

    event = AccessEvent.objects.get()
    assert event.action == AccessEvent.Action.SEARCH
    assert event.details["filters"] == {"q": case.reference}


def test_the_poll_returns_only_the_table_body_and_records_nothing(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.get(reverse("console:queue_rows"), headers=POLL)

    html = response.content.decode().strip()
    assert html.startswith('<tbody id="queue-rows"')
    _rows, summary = html.split("</tbody>")
    assert 'id="queue-summary" hx-swap-oob="true"' in summary
    assert "Cases waiting or in progress: 1." in summary
    assert case.reference in html
    assert "X-Background-Poll" in html  # the next poll sends it too
    assert 'hx-swap="outerHTML"' in html
    assert not AccessEvent.objects.exists()


def test_the_poll_keeps_the_filters(client, team):
    signed_in(client, Role.NURSE, team)
    make_triaged_case(team, acuity="routine")
    emergent = make_triaged_case(team, acuity="emergent")

    page = client.get(reverse("console:home"), {"acuity": "emergent"}).content.decode()
    poll = client.get(reverse("console:queue_rows"), {"acuity": "emergent"}, headers=POLL)

    assert f'hx-get="{reverse("console:queue_rows")}?acuity=emergent"' in page
    assert references(poll) == [emergent.reference]


def test_a_poll_is_not_activity_for_the_idle_logout(client, team):
    from accounts.middleware import LAST_ACTIVITY_KEY

    signed_in(client, Role.NURSE, team)
    client.get(reverse("console:home"))
    a_minute_ago = time.time() - 60
    session = client.session
    session[LAST_ACTIVITY_KEY] = a_minute_ago
    session.save()

    response = client.get(reverse("console:queue_rows"), headers=POLL)

    assert response.status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == a_minute_ago


def test_users_without_a_clinical_role_are_refused(client, team):
    signed_in(client, Role.AUDITOR, team)

    assert client.get(reverse("console:home")).status_code == 403
    assert client.get(reverse("console:queue_rows"), headers=POLL).status_code == 403


def _fill(team, count):
    claimer = staff(Role.NURSE, team)
    for n in range(count):
        case = make_triaged_case(team, acuity=["emergent", "urgent", "soon"][n % 3], crisis=n % 2)
        if n % 4 == 0:
            actions.case_claim(case=case, user=claimer)


@pytest.mark.parametrize("name", ["console:home", "console:queue_rows"])
def test_the_queue_runs_a_constant_number_of_queries(client, team, name, django_assert_num_queries):
    signed_in(client, Role.NURSE, team)
    _fill(team, 1)
    client.get(reverse(name))  # warm-up
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse(name))
    _fill(team, 29)

    with django_assert_num_queries(len(one_row)):
        response = client.get(reverse(name))

    assert len(references(response)) == 30


def test_the_queue_speaks_spanish(client, team):
    signed_in(client, Role.NURSE, team)
    make_triaged_case(team, due_at=timezone.now() - timedelta(minutes=3))

    html = client.get(reverse("console:home"), headers={"Accept-Language": "es"}).content.decode()

    assert "<h1>Cola</h1>" in html
    assert "Vencido hace 3 min" in html
