"""The alert panel over HTTP: its poll, one-tap actions, and the notification link."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from paging.models import AckLink, Notification, Page
from paging.services import page_advance, page_raise
from paging.services.links import ack_token, act_token
from paging.services.notify import notification_send
from tests.factories.accounts import (
    STAFF_PASSWORD,
    confirmed_totp_device,
    current_totp,
    login_verified,
)
from tests.factories.paging import make_crisis_case, make_oncall_team, make_policy

pytestmark = pytest.mark.django_db

STEPS = [(0, "primary", None), (300, "backup", None), (900, "team", None)]
PANEL = reverse("console:paging:panel")
POLL = {"HX-Request": "true", "X-Background-Poll": "1"}


@pytest.fixture
def oncall():
    team, nurse, backup, supervisor = make_oncall_team()
    make_policy(team, STEPS)
    return team, nurse, backup, supervisor


def _ringing(team) -> Page:
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    page_advance(page_id=page.pk)
    for n in Notification.objects.filter(page=page):
        notification_send(notification_id=n.pk)
    page.refresh_from_db()
    return page


def _act(page) -> str:
    return reverse("console:paging:page_action", args=[page.pk])


def test_the_panel_shows_each_open_page_with_its_step_and_who_was_told(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    login_verified(client, nurse)

    html = client.get(reverse("console:home")).content.decode()

    panel = html.split('id="alert-panel"')[1].split("</section>")[0]
    assert page.reference in panel
    assert "(1 open, 1 not acknowledged)" in panel
    assert "Step 1 of 3: Primary on call" in panel
    assert "Next: Backup on call at" in panel
    told = panel.split(f"{nurse} (step 1):")[1].split("</li>")[0]
    assert "Console alert sent" in told and "E-mail sent" in told
    assert 'aria-expanded="true"' in panel  # a ringing page opens the panel
    assert "Snooze 5 min" in panel and "Snooze 30 min" not in panel  # last step in 15 min


def test_the_panel_lists_the_most_urgent_first(client, oncall):
    team, nurse, *_ = oncall
    acknowledged = _ringing(team)
    Page.objects.filter(pk=acknowledged.pk).update(status="acknowledged")
    older, newer = _ringing(team), _ringing(team)
    Page.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(minutes=9))
    login_verified(client, nurse)

    html = client.get(PANEL, headers=POLL).content.decode()

    order = [html.index(p.reference) for p in (older, newer, acknowledged)]
    assert order == sorted(order)


def test_the_poll_answers_204_while_nothing_changed_then_the_fragment(client, oncall):
    team, nurse, *_ = oncall
    login_verified(client, nurse)
    first = client.get(PANEL, headers=POLL)
    version = first.content.decode().split('id="alert-panel-version" name="v" value="')[1]
    version = version.split('"')[0]

    assert client.get(PANEL, {"v": version}, headers=POLL).status_code == 204
    page = _ringing(team)
    changed = client.get(PANEL, {"v": version}, headers=POLL)

    assert changed.status_code == 200
    assert page.reference in changed.content.decode()


@pytest.mark.parametrize("pages", [1, 12])
def test_the_poll_runs_the_same_queries_however_many_pages(
    client, oncall, pages, django_assert_num_queries
):
    team, nurse, *_ = oncall
    for _ in range(pages):
        _ringing(team)
    login_verified(client, nurse)
    version = client.get(PANEL, headers=POLL)["X-Panel-Version"]

    # Session, user, MFA device, roles, and the one version query.
    with django_assert_num_queries(5):
        assert client.get(PANEL, {"v": version}, headers=POLL).status_code == 204


def test_the_panel_fragment_query_count_does_not_grow_with_pages(
    client, oncall, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team, nurse, *_ = oncall
    _ringing(team)
    login_verified(client, nurse)
    client.get(PANEL, headers=POLL)  # first-request costs (permissions, caches)
    with CaptureQueriesContext(connection) as one:
        client.get(PANEL, headers=POLL)
    for _ in range(6):
        _ringing(team)
    with django_assert_num_queries(len(one)):
        client.get(PANEL, headers=POLL)


def test_acknowledge_from_the_panel_stays_on_the_page(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    login_verified(client, nurse)

    response = client.post(
        _act(page),
        {"action": "acknowledge", "next": "/console/"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/console/"},
    )

    assert response.status_code == 200  # the panel fragment, swapped in place
    html = response.content.decode()
    assert "acknowledged. Escalation is paused." in html
    assert f"Acknowledged by {nurse}" in html
    page.refresh_from_db()
    assert page.status == "acknowledged"


def test_without_javascript_an_action_redirects_back_to_a_same_site_next(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    login_verified(client, nurse)
    case_url = reverse("console:case", args=[page.case_id])

    back = client.post(_act(page), {"action": "acknowledge", "next": case_url})
    evil = client.post(_act(page), {"action": "acknowledge", "next": "https://evil.example/"})
    sneaky = client.post(_act(page), {"action": "acknowledge", "next": "//evil.example/x"})

    assert (back.status_code, back["Location"]) == (303, case_url)
    assert evil["Location"] == sneaky["Location"] == reverse("console:home")


def test_an_action_needs_the_csrf_token(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    client = Client(enforce_csrf_checks=True)
    login_verified(client, nurse)

    response = client.post(_act(page), {"action": "acknowledge"})

    assert response.status_code == 403
    page.refresh_from_db()
    assert page.status == "triggered"


def test_a_page_of_another_team_is_not_found_and_the_attempt_recorded(client, oncall):
    team, *_ = oncall
    page = _ringing(team)
    _south, outsider, *_ = make_oncall_team("south")
    login_verified(client, outsider)

    response = client.post(_act(page), {"action": "escalate", "fence": page.fence})

    assert response.status_code == 404
    assert AccessEvent.objects.filter(
        action="denied", object_type="paging.page", object_id=str(page.pk), actor=outsider
    ).exists()
    page.refresh_from_db()
    assert page.step_index == 1


def test_an_out_of_bounds_snooze_is_refused_with_the_reason(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    login_verified(client, nurse)

    response = client.post(
        _act(page),
        {"action": "snooze", "minutes": "15", "fence": page.fence},
        headers={"HX-Request": "true"},
    )

    assert "would pass the policy&#x27;s last step" in response.content.decode()
    page.refresh_from_db()
    assert page.snoozed_until is None


# ---- the link in a notification ------------------------------------------------------


def _link(page, user) -> str:
    link = AckLink.objects.filter(page=page, user=user).first()
    return reverse("console:paging:act_link", args=[act_token(link.pk)])


def test_the_notification_carries_the_action_link(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    email = Notification.objects.get(page=page, recipient=nurse, channel="email")
    from paging.services.notify import _text

    _subject, text, links = _text(email)

    assert "/console/paging/link/" in links["act"] and links["act"] in text


def test_the_link_needs_sign_in_with_mfa_and_brings_the_nurse_back(oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    url = _link(page, nurse)
    device = confirmed_totp_device(nurse)
    client = Client()

    to_login = client.get(url)
    assert to_login.status_code == 302
    assert to_login["Location"] == f"/accounts/login/?next={quote(url, safe='/')}"
    to_verify = client.post(
        to_login["Location"], {"username": nurse.username, "password": STAFF_PASSWORD}
    )
    assert "/accounts/verify/" in to_verify["Location"]
    assert client.get(url)["Location"].startswith("/accounts/verify/")  # a password is not enough
    back = client.post(to_verify["Location"], {"token": current_totp(device)})
    assert back["Location"] == url

    shown = client.get(url)
    assert shown.status_code == 200 and b'data-action="acknowledge"' in shown.content
    page.refresh_from_db()
    assert page.status == "triggered"  # opening the link never acts


def test_the_link_works_once(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    url = _link(page, nurse)
    login_verified(client, nurse)

    first = client.post(url, {"action": "acknowledge"})
    second = client.post(url, {"action": "escalate", "fence": page.fence + 1})

    assert b"acknowledged. Escalation is paused." in first.content
    assert b"This link was already used." in second.content
    page.refresh_from_db()
    assert (page.status, page.step_index) == ("acknowledged", 1)
    assert AckLink.objects.get(pk=page.ack_links.get(user=nurse).pk).used_for == "acknowledge"


def test_a_refused_action_leaves_the_link_usable(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    url = _link(page, nurse)
    login_verified(client, nurse)

    client.post(url, {"action": "snooze", "minutes": "30", "fence": page.fence})
    done = client.post(url, {"action": "snooze", "minutes": "5", "fence": page.fence})

    assert b"snoozed until" in done.content
    page.refresh_from_db()
    assert page.snoozed_by == nurse


def test_an_expired_link_is_refused(client, oncall, settings):
    team, nurse, *_ = oncall
    page = _ringing(team)
    url = _link(page, nurse)
    login_verified(client, nurse)

    later = timezone.now() + dt.timedelta(seconds=settings.PAGING_ACK_LINK_MAX_AGE + 60)
    with time_machine.travel(later):
        response = client.post(url, {"action": "acknowledge"})

    assert response.status_code == 410
    page.refresh_from_db()
    assert page.status == "triggered"


def test_a_forged_or_acknowledge_token_is_not_an_action_link(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    link = AckLink.objects.filter(page=page, user=nurse).first()
    login_verified(client, nurse)

    for token in (ack_token(link.pk), act_token(link.pk)[:-2] + "xx"):
        url = reverse("console:paging:act_link", args=[token])
        assert client.post(url, {"action": "acknowledge"}).status_code == 404
    page.refresh_from_db()
    assert page.status == "triggered"


def test_someone_else_cannot_use_a_nurses_link(client, oncall):
    team, nurse, backup, _ = oncall
    page = _ringing(team)
    url = _link(page, nurse)
    login_verified(client, backup)

    response = client.post(url, {"action": "acknowledge"})

    assert response.status_code == 403
    page.refresh_from_db()
    assert page.status == "triggered"
    assert AckLink.objects.filter(page=page, user=nurse, used_at__isnull=True).exists()


def test_the_case_page_offers_the_actions(client, oncall):
    team, nurse, *_ = oncall
    page = _ringing(team)
    login_verified(client, nurse)

    html = client.get(reverse("console:case", args=[page.case_id])).content.decode()

    section = html.split('class="case-page-actions"')[1].split("</section>")[0]
    for action in ("acknowledge", "escalate", "snooze"):
        assert f'data-action="{action}"' in section
    assert 'name="next" value="/console/cases/' in section
