"""The one notification fan-out (services/fanout.py): recipients x channels, keys,
acknowledge links, SMS for pages only; every caller makes its rows there."""

from __future__ import annotations

import pytest
from django.utils import timezone

from paging.models import AckLink, Notification, Page, ShiftConfirmation
from paging.services import actions, fanout, page_advance, page_raise
from paging.services.policy import ALL_CHANNELS, Recipient
from tests.factories.paging import (
    make_crisis_case,
    make_oncall_team,
    make_paging_phone,
    make_policy,
    make_sms_account,
    make_webhook,
)

pytestmark = pytest.mark.django_db


def _page(team) -> Page:
    case, signals = make_crisis_case(team)
    return page_raise(case=case, signals=signals)


def _rows(ids):
    return Notification.objects.filter(pk__in=ids)


def test_a_page_step_reaches_each_recipient_on_each_channel_with_one_link_each():
    team, nurse, backup, _ = make_oncall_team()
    make_sms_account(team)
    make_paging_phone(nurse, "+15550102030")
    hook = make_webhook("https://gateway.example/hook", team=team)
    page = _page(team)

    ids = fanout.notifications_fan_out(
        kind=Notification.Kind.PAGE,
        team=team,
        recipients=[Recipient(nurse, nurse.email), Recipient(backup, backup.email)],
        channels=ALL_CHANNELS,
        key_prefix=f"page:{page.pk}:0:0",
        page=page,
    )

    rows = _rows(ids)
    assert sorted((n.recipient.pk, n.channel) for n in rows) == sorted(
        [(nurse.pk, c) for c in ("email", "webhook", "console", "sms")]
        + [(backup.pk, c) for c in ("email", "webhook", "console")]  # no paging phone
    )
    assert {n.attempt_key for n in rows} >= {
        f"page:{page.pk}:0:0:email:u{nurse.pk}",
        f"page:{page.pk}:0:0:webhook{hook.pk}:u{nurse.pk}",
        f"page:{page.pk}:0:0:sms:u{nurse.pk}",
    }
    assert rows.get(channel="sms").address == "…2030"  # the number stays sealed
    # One acknowledge link per recipient, shared by their rows.
    assert AckLink.objects.filter(page=page).count() == 2
    assert {n.ack_link.user for n in rows} == {nurse, backup}


def test_running_a_step_again_makes_no_second_row():
    team, nurse, *_ = make_oncall_team()
    page = _page(team)
    args = dict(
        kind=Notification.Kind.PAGE,
        team=team,
        recipients=[Recipient(nurse, nurse.email)],
        channels=ALL_CHANNELS,
        key_prefix=f"page:{page.pk}:0:0",
        page=page,
    )

    first = fanout.notifications_fan_out(**args)
    again = fanout.notifications_fan_out(**args)

    assert len(first) == 2 and again == []
    assert Notification.objects.filter(page=page).count() == 2
    assert AckLink.objects.filter(page=page).count() == 1


def test_a_message_about_the_rota_has_no_sms_and_no_link():
    team, nurse, *_ = make_oncall_team()
    make_sms_account(team)
    make_paging_phone(nurse)
    confirmation = ShiftConfirmation.objects.create(
        schedule=team.oncall_schedules.first(),
        user=nurse,
        shift_starts_at=timezone.now(),
        shift_ends_at=timezone.now(),
    )

    ids = fanout.notifications_fan_out(
        kind=Notification.Kind.SHIFT_TEST,
        team=team,
        recipients=[Recipient(nurse, nurse.email)],
        channels=ALL_CHANNELS,  # even asked for, a rota message is never an SMS
        key_prefix=f"shift:{confirmation.pk}",
        detail={"starts_at": "08:00"},
        shift=confirmation,
    )

    rows = _rows(ids)
    assert {n.channel for n in rows} == {"email", "console"}
    assert all(n.ack_link is None and n.page is None for n in rows)
    assert all(n.shift == confirmation and n.detail == {"starts_at": "08:00"} for n in rows)


def test_an_address_without_an_account_gets_email_and_webhooks_only():
    team, *_ = make_oncall_team()
    make_webhook("https://gateway.example/hook")  # every team's
    page = _page(team)

    ids = fanout.notifications_fan_out(
        kind=Notification.Kind.PAGE,
        team=team,
        recipients=[Recipient(None, "oncall@clinic.example", fallback=True)],
        channels=ALL_CHANNELS,
        key_prefix=f"page:{page.pk}:0:0",
        page=page,
    )

    rows = _rows(ids)
    assert {n.channel for n in rows} == {"email", "webhook"}
    assert all(n.fallback and n.attempt_key.endswith(":a:oncall@clinic.example") for n in rows)


def test_a_colleague_handed_a_page_gets_what_a_step_sends_sms_included():
    """A reassignment makes its rows in the one fan-out, so it texts as a step does."""
    team, nurse, backup, _ = make_oncall_team()
    make_policy(team, [(0, "primary", None), (600, "backup", None)])
    make_sms_account(team)
    make_paging_phone(backup, "+15550109999")
    page = _page(team)
    page_advance(page_id=page.pk)

    actions.page_reassign(page_id=page.pk, user=nurse, to_user_id=backup.pk, fence=None)

    page.refresh_from_db()
    rows = Notification.objects.filter(page=page, recipient=backup)
    assert {n.channel for n in rows} == {"email", "console", "sms"}
    assert {n.attempt_key.rsplit(":", 2)[0] for n in rows} == {
        f"page:{page.pk}:reassign:{page.fence}"
    }
    assert len({n.ack_link_id for n in rows}) == 1
