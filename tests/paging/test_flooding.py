"""Crisis pages from one source are grouped, never dropped; supervisors see the flood.

A flood of crisis intakes from one address, device or set of contact details within
PAGING_GROUP_WINDOW_MINUTES opens a case each (all in the queue as crisis cases) but
shares one page with a count, so the on-call nurse is notified once. A crisis from a
new source pages at once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from cases.models import Case, CaseEvent
from paging.models import Notification, Page, PageCase
from paging.services import dispatch, escalation, page_advance, page_raise, page_resolve
from paging.services.notify import _text
from tests.factories.console import signed_in
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    give_consent,
    intake_env,
    post,
    step_url,
    valid_data,
)
from tests.factories.paging import make_crisis_case, make_oncall_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries(monkeypatch):
    """The pages handed to delivery (a new round of notifications each), in order."""
    sent: list[str] = []

    monkeypatch.setattr(dispatch, "page_deliver_after_commit", lambda pk: sent.append(str(pk)))
    return sent


def crisis_intake(n: int, address: str = "198.51.100.7", phone: str = "") -> Client:
    """A patient (own browser, own contact details) sending a crisis intake."""
    client = Client(REMOTE_ADDR=address)
    give_consent(client)
    contact = valid_data("contact") | {
        "phone": phone or f"555-010-{2000 + n}",
        "email": f"patient{n}@example.org",
    }
    for key, data in [
        ("contact", contact),
        ("reason", valid_data("reason")),
        ("phq9", valid_data("phq9", crisis=True)),
        ("gad7", valid_data("gad7")),
        ("asq", valid_data("asq", crisis=True)),
        ("asq_now", valid_data("asq_now", crisis=True)),
        ("demographics", valid_data("demographics")),
    ]:
        assert post(client, step_url(key), data).status_code == 302, key
    assert post(client, step_url("review"))["Location"] == reverse("intake:crisis")
    return client


@pytest.mark.usefixtures("intake_env")
def test_three_crisis_intakes_from_one_address_share_one_page_notified_once(deliveries):
    _, nurse, *_ = make_oncall_team("north")

    for n in range(3):
        crisis_intake(n)

    cases = Case.objects.filter(crisis=True)
    assert cases.count() == 3 and all(c.status == Case.Status.OPEN for c in cases)
    page = Page.objects.get()
    assert page.case_count == 3
    assert PageCase.objects.filter(page=page).count() == 2
    assert {g.matched for g in PageCase.objects.all()} == {"address"}
    assert deliveries == [str(page.pk)]  # one round of notifications, not three
    page_advance(page_id=page.pk)
    notifications = Notification.objects.filter(page=page)
    assert notifications.exists()
    assert {(n.cycle, n.step) for n in notifications} == {(0, 0)}
    assert {n.recipient for n in notifications} == {nurse}
    # Every case says where its page is.
    grouped = [g.case for g in PageCase.objects.all()]
    for case in grouped:
        assert case.events.filter(kind=CaseEvent.Kind.PAGE, data__action="grouped").exists()


@pytest.mark.usefixtures("intake_env")
def test_a_crisis_from_a_new_source_pages_at_once(deliveries):
    make_oncall_team("north")
    for n in range(3):
        crisis_intake(n)

    crisis_intake(3, address="203.0.113.50")

    assert Page.objects.count() == 2
    newest = Page.objects.order_by("-created_at").first()
    assert newest.case_count == 1
    assert deliveries[-1] == str(newest.pk) and len(deliveries) == 2


@pytest.mark.usefixtures("intake_env")
def test_the_same_phone_from_another_address_and_device_is_one_source(deliveries):
    make_oncall_team("north")
    crisis_intake(0, address="198.51.100.7", phone="555-010-4444")

    crisis_intake(1, address="203.0.113.9", phone="(555) 010-4444")

    page = Page.objects.get()
    assert page.case_count == 2
    assert PageCase.objects.get().matched == "phone"
    assert len(deliveries) == 1


def test_a_source_pages_again_once_the_window_has_passed(settings, deliveries):
    settings.PAGING_GROUP_WINDOW_MINUTES = 10
    team, *_ = make_oncall_team()
    with time_machine.travel("2026-11-23 10:00:00", tick=False) as traveller:
        first = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
        traveller.shift(9 * 60)
        joined = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
        traveller.shift(2 * 60)
        later = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])

    assert joined.pk == first.pk
    assert later.pk != first.pk
    assert len(deliveries) == 2


def test_a_resolved_page_is_never_joined(deliveries):
    team, nurse, *_ = make_oncall_team()
    first = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["device:d"])
    page_resolve(page=first, user=nurse, note="Spoke to the patient.")

    second = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["device:d"])

    assert second.pk != first.pk
    assert len(deliveries) == 2


def test_grouping_can_be_switched_off(settings, deliveries):
    settings.PAGING_GROUP_WINDOW_MINUTES = 0
    team, *_ = make_oncall_team()

    for _ in range(2):
        page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])

    assert Page.objects.count() == 2


def test_a_grouped_case_raising_again_joins_its_group_once(deliveries):
    team, *_ = make_oncall_team()
    page = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
    case, signals = make_crisis_case(team)
    page_raise(case=case, signals=[], source_keys=["address:a"])

    again = page_raise(case=case, signals=signals)  # e.g. a crisis message later

    page.refresh_from_db()
    assert again.pk == page.pk and page.case_count == 2
    assert set(page.signals.all()) == set(signals)
    assert len(deliveries) == 1


def test_an_acknowledged_group_is_settled_only_when_every_case_is_actioned():
    team, nurse, *_ = make_oncall_team()
    first, _ = make_crisis_case(team)
    second, _ = make_crisis_case(team)
    page = page_raise(case=first, signals=[], source_keys=["address:a"])
    page_raise(case=second, signals=[], source_keys=["address:a"])
    page.refresh_from_db()
    since = page.created_at - dt.timedelta(seconds=1)
    CaseEvent.objects.create(case=first, kind=CaseEvent.Kind.NOTE, actor=nurse, summary="n")

    assert not escalation._action_taken_since(page, since)

    CaseEvent.objects.create(case=second, kind=CaseEvent.Kind.NOTE, actor=nurse, summary="n")
    assert escalation._action_taken_since(page, since)


def test_the_notification_tells_how_many_cases_share_the_page():
    team, *_ = make_oncall_team()
    page = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
    for _ in range(2):
        page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
    page_advance(page_id=page.pk)

    _subject, text, _links = _text(Notification.objects.filter(page=page).first())

    assert "3 crisis cases from one source share this page" in text


def test_supervisors_see_possible_flooding(client, settings):
    settings.PAGING_FLOOD_ALERT_CASES = 3
    team, *_ = make_oncall_team()
    page = page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
    page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
    signed_in(client, Role.SUPERVISOR, team)

    below = client.get(reverse("console:supervisor")).content.decode()
    page_raise(case=make_crisis_case(team)[0], signals=[], source_keys=["address:a"])
    above = client.get(reverse("console:supervisor")).content.decode()

    assert "Possible flooding" not in below
    assert "Possible flooding" in above
    assert 'id="possible-flooding"' in above and page.reference in above
    assert reverse("console:paging:page_detail", args=[page.pk]) in above


def test_another_teams_flood_is_not_shown(client):
    north, *_ = make_oncall_team("north")
    south, *_ = make_oncall_team("south")
    for _ in range(3):
        page_raise(case=make_crisis_case(south)[0], signals=[], source_keys=["address:a"])
    signed_in(client, Role.SUPERVISOR, north)

    assert "Possible flooding" not in client.get(reverse("console:supervisor")).content.decode()
