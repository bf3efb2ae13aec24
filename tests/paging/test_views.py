import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessEvent
from cases.models import CaseEvent
from paging.models import AckLink, Notification, Page
from paging.services import page_advance, page_raise
from paging.services.links import ack_token
from paging.services.notify import notification_send
from tests.factories.accounts import login_verified, make_staff
from tests.factories.cases import make_team
from tests.factories.paging import make_crisis_case, make_oncall_team

pytestmark = pytest.mark.django_db


def _page(team):
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    page_advance(page_id=page.pk)
    return page


def test_the_on_call_view_shows_who_is_on_call_now_and_the_next_week(client):
    team, nurse, backup, _ = make_oncall_team()
    schedule = team.oncall_schedules.get(layer="primary")
    schedule.members.create(user=backup, position=1)  # nurse and backup alternate daily
    login_verified(client, nurse)

    response = client.get(reverse("console:paging:oncall"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "On call now:" in html and str(nurse) in html
    primary_table = html.split('class="paging-shifts"')[1].split("</table>")[0]
    assert primary_table.count("<tr>") >= 7  # a row per daily shift in the next 7 days
    assert "data-paging-banner" not in html


def test_console_views_need_a_verified_session(client):
    _team, nurse, *_ = make_oncall_team()
    client.force_login(nurse)  # password only, no second factor

    response = client.get(reverse("console:paging:oncall"))

    assert response.status_code == 302


def test_with_nobody_on_call_the_fallback_is_paged_and_the_console_shows_a_red_banner(client):
    team = make_team("south")
    supervisor = make_staff("supervisor", team=team, username="south-supervisor")
    page = _page(team)
    login_verified(client, supervisor)

    response = client.get(reverse("console:paging:oncall"))

    html = response.content.decode()
    assert 'class="paging-banner"' in html
    assert "Nobody is on call for South right now." in html
    assert f"Crisis page {page.reference} (South) was sent to the fallback" in html
    assert Notification.objects.filter(page=page, recipient=supervisor, fallback=True).exists()


def test_acknowledge_from_the_console(client):
    team, nurse, *_ = make_oncall_team()
    page = _page(team)
    login_verified(client, nurse)

    response = client.post(reverse("console:paging:acknowledge", args=[page.pk]))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == "acknowledged" and page.acknowledged_by == nurse


def test_resolve_from_the_console_with_a_note(client):
    team, nurse, *_ = make_oncall_team()
    page = _page(team)
    login_verified(client, nurse)

    client.post(reverse("console:paging:resolve", args=[page.pk]), {"note": ""})
    assert Page.objects.get(pk=page.pk).status == "triggered"
    client.post(reverse("console:paging:resolve", args=[page.pk]), {"note": "Patient safe."})

    assert Page.objects.get(pk=page.pk).status == "resolved"
    assert CaseEvent.objects.get(case=page.case, data__action="resolved").body == "Patient safe."


def test_a_nurse_of_another_team_cannot_see_or_acknowledge_the_page(client):
    team, *_ = make_oncall_team()
    other = make_staff("nurse", team=make_team("west"), username="west-nurse")
    page = _page(team)
    login_verified(client, other)

    assert client.get(reverse("console:paging:page_detail", args=[page.pk])).status_code == 404
    assert client.post(reverse("console:paging:acknowledge", args=[page.pk])).status_code == 404
    assert Page.objects.get(pk=page.pk).status == "triggered"


def test_a_page_of_another_team_is_a_denied_event(client):
    team, *_ = make_oncall_team()
    other = make_staff("nurse", team=make_team("west"), username="west-nurse")
    page = _page(team)
    login_verified(client, other)

    response = client.get(reverse("console:paging:page_detail", args=[page.pk]))

    assert response.status_code == 404
    event = AccessEvent.objects.get(action=AccessEvent.Action.DENIED)
    assert (event.outcome, event.object_type, event.object_id, event.patient_ref) == (
        "denied", "paging.page", str(page.pk), page.reference,
    )  # fmt: skip
    assert event.actor == other


def test_a_page_that_does_not_exist_is_a_denied_event(client):
    _team, nurse, *_ = make_oncall_team()
    login_verified(client, nurse)
    missing = "00000000-0000-4000-8000-000000000000"

    detail = client.get(reverse("console:paging:page_detail", args=[missing]))
    acknowledge = client.post(reverse("console:paging:acknowledge", args=[missing]))

    assert (detail.status_code, acknowledge.status_code) == (404, 404)
    events = AccessEvent.objects.filter(action=AccessEvent.Action.DENIED, object_id=missing)
    assert events.count() == 2
    assert {e.patient_ref for e in events} == {""}


def test_the_page_detail_records_an_audit_event(client):
    team, nurse, *_ = make_oncall_team()
    page = _page(team)
    login_verified(client, nurse)

    response = client.get(reverse("console:paging:page_detail", args=[page.pk]))

    assert response.status_code == 200
    assert "suicidal_ideation" in response.content.decode()
    event = AccessEvent.objects.get(object_type="paging.page", object_id=str(page.pk))
    assert event.actor == nurse and event.patient_ref == page.reference


def test_the_alert_poll_brings_a_new_page_once_with_the_sound_marker(client):
    team, nurse, *_ = make_oncall_team()
    page = _page(team)
    notification_send(notification_id=Notification.objects.get(page=page, channel="console").pk)
    login_verified(client, nurse)
    poll = {"HTTP_X_BACKGROUND_POLL": "1", "HTTP_HX_REQUEST": "true"}

    first = client.get(reverse("console:paging:alerts"), **poll).content.decode()
    second = client.get(reverse("console:paging:alerts"), **poll).content.decode()

    assert page.reference in first and "data-paging-new" in first
    assert page.reference in second and "data-paging-new" not in second


def test_the_console_pages_load_the_alert_poller_as_a_background_poll(client):
    _team, nurse, *_ = make_oncall_team()
    login_verified(client, nurse)

    html = client.get(reverse("console:paging:oncall")).content.decode()

    assert reverse("console:paging:panel") in html  # the alert panel (views_panel.py)
    assert '"X-Background-Poll": "1"' in html
    assert "alert-panel.js" in html and "<script>" not in html


def _ack_link(page):
    link = AckLink.objects.filter(page=page).first()
    return link, reverse("paging_public:ack", args=[ack_token(link.pk)])


def test_the_signed_link_acknowledges_once_without_a_session(client):
    team, nurse, *_ = make_oncall_team()
    page = _page(team)
    _link, url = _ack_link(page)

    confirm = client.get(url)
    assert confirm.status_code == 200 and Page.objects.get(pk=page.pk).status == "triggered"
    done = client.post(url)
    again = client.post(url)

    assert "acknowledged" in done.content.decode()
    assert "already used" in again.content.decode()
    page.refresh_from_db()
    assert page.status == "acknowledged" and page.acknowledged_by == nurse
    assert CaseEvent.objects.get(case=page.case, data__action="acknowledged").data["via"] == "link"


def test_the_signed_link_does_not_open_the_case(client):
    team, *_ = make_oncall_team()
    page = _page(team)
    _link, url = _ack_link(page)
    client.post(url)

    response = client.get(reverse("console:paging:page_detail", args=[page.pk]))

    assert response.status_code == 302  # to sign-in


def test_an_expired_or_forged_link_is_refused(client, settings):
    team, *_ = make_oncall_team()
    page = _page(team)
    _link, url = _ack_link(page)

    assert client.post(url[:-3] + "xyz/").status_code == 404
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=5)):
        assert client.post(url).status_code == 410
    assert Page.objects.get(pk=page.pk).status == "triggered"


def test_figures_show_p50_and_p95_per_team_to_supervisors_only(client):
    team, nurse, _backup, supervisor = make_oncall_team()
    page = _page(team)
    for n in Notification.objects.filter(page=page):
        notification_send(notification_id=n.pk)
    login_verified(client, nurse)
    assert client.get(reverse("console:paging:figures")).status_code == 403

    login_verified(client, supervisor)
    response = client.get(reverse("console:paging:figures"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "North" in html and "First notification p95" in html


def test_a_supervisor_swaps_a_shift(client):
    team, _nurse, backup, supervisor = make_oncall_team()
    schedule = team.oncall_schedules.get(layer="primary")
    login_verified(client, supervisor)

    client.post(
        reverse("console:paging:override_create"),
        {
            "schedule": schedule.pk,
            "user": backup.pk,
            "starts_at": "2030-01-01T08:00",
            "ends_at": "2030-01-01T20:00",
            "reason": "swap",
        },
    )

    assert schedule.overrides.get().user == backup


def test_a_nurse_cannot_swap_shifts(client):
    _team, nurse, _backup, _ = make_oncall_team()
    login_verified(client, nurse)

    response = client.post(reverse("console:paging:override_create"), {})

    assert response.status_code == 403
