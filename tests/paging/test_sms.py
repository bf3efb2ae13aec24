"""The SMS channel against a real local stand-in of Twilio's API (never Twilio itself).

The same faults as the other channels: provider down, timeout, duplicate runs of the
task, a worker that died mid-send, plus a retry after a lost answer (Twilio accepted
the message but the answer never came) and a 4xx refusal.
"""

import datetime as dt
import logging
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from paging.models import EscalationStep, Notification, Page, PagingPhone, SmsAccount
from paging.services import page_advance, page_raise
from paging.services.notify import notification_send, notifications_redispatch
from paging.services.sms import sms_text
from tests.factories.accounts import login_verified
from tests.factories.paging import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    make_crisis_case,
    make_oncall_team,
    make_paging_phone,
    make_policy,
    make_sms_account,
)
from tests.paging.twilio_standin import TwilioStandIn

pytestmark = pytest.mark.django_db

NURSE_PHONE = "+15550102030"
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@pytest.fixture
def twilio(settings):
    """A stand-in with no faults; tests needing faults build their own."""
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN) as standin:
        settings.PAGING_SMS_API_BASE_URL = standin.url
        yield standin


@pytest.fixture(autouse=True)
def _sms_settings(settings):
    settings.PAGING_SMS_TIMEOUT = 1.0


def _sms_team(with_phone: bool = True):
    team, nurse, backup, _supervisor = make_oncall_team()
    make_policy(
        team,
        [(0, EscalationStep.Target.PRIMARY, None), (300, EscalationStep.Target.BACKUP, None)],
    )
    make_sms_account(team)
    if with_phone:
        make_paging_phone(nurse, NURSE_PHONE)
        make_paging_phone(backup, "+15550109999")
    return team, nurse, backup


def _paged(team) -> Page:
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)
    page_advance(page_id=page.pk)
    return page


def _sms(page, step: int = 0) -> Notification:
    return Notification.objects.get(page=page, channel="sms", step=step)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _due_now(n: Notification) -> None:
    Notification.objects.filter(pk=n.pk).update(next_try_at=timezone.now())


def test_the_sms_names_the_page_and_one_link_and_nothing_else(twilio):
    team, nurse, _ = _sms_team()
    page = _paged(team)
    n = _sms(page)

    assert notification_send(notification_id=n.pk) == "sent"

    [post] = twilio.posts
    assert post["authorized"]
    assert post["form"]["To"] == NURSE_PHONE and post["form"]["From"] == "+15550100000"
    link = f"https://console.example/console/paging/pages/{page.pk}/"
    assert post["form"]["Body"] == f"Crisis page {page.reference} - open: {link}"
    assert set(post["form"]["Body"]) <= GSM7  # one encoding, no UCS-2 split
    n.refresh_from_db()
    assert n.status == "sent" and n.recipient == nurse and n.attempt == 1
    assert n.provider_message_id == twilio.messages[0]["sid"]
    assert n.address == "…2030"  # the number itself is never copied into the row
    page.refresh_from_db()
    assert page.first_notified_at == n.sent_at


def test_the_sms_text_in_spanish_stays_in_the_gsm_alphabet():
    text = sms_text(reference="ABCD-EFGH", link="https://x.example/p/1/", language="es")

    assert text == "Alerta de crisis ABCD-EFGH - abrir: https://x.example/p/1/"
    assert set(text) <= GSM7


def test_a_team_without_an_sms_account_gets_no_sms():
    team, nurse, *_ = make_oncall_team()
    make_paging_phone(nurse)

    page = _paged(team)

    channels = set(Notification.objects.filter(page=page).values_list("channel", flat=True))
    assert channels == {"email", "console"}  # and no webhook: it has no endpoint either


def test_a_number_switched_off_gets_no_sms():
    team, nurse, _ = _sms_team()
    PagingPhone.objects.filter(user=nurse).update(is_active=False)

    page = _paged(team)

    assert not Notification.objects.filter(page=page, channel="sms").exists()


def test_a_team_whose_sms_account_is_switched_off_gets_no_sms():
    team, *_ = _sms_team()
    SmsAccount.objects.filter(team=team).update(is_active=False)

    page = _paged(team)

    assert not Notification.objects.filter(page=page, channel="sms").exists()


def test_a_person_without_a_paging_number_gets_no_sms_but_everything_else():
    team, nurse, _ = _sms_team(with_phone=False)

    page = _paged(team)

    rows = Notification.objects.filter(page=page, recipient=nurse)
    assert set(rows.values_list("channel", flat=True)) == {"email", "console"}


def test_an_sms_is_sent_once_however_often_its_task_runs(twilio):
    team, *_ = _sms_team()
    n = _sms(_paged(team))

    results = [notification_send(notification_id=n.pk) for _ in range(3)]

    assert results == ["sent", "not-claimed", "not-claimed"]
    assert len(twilio.posts) == 1 and len(twilio.messages) == 1


def test_provider_down_is_retried_with_backoff_then_given_up_and_escalation_goes_on(settings):
    settings.PAGING_MAX_ATTEMPTS = 2
    settings.PAGING_SMS_API_BASE_URL = f"http://127.0.0.1:{_closed_port()}"
    team, *_ = _sms_team()
    page = _paged(team)
    n = _sms(page)

    before = timezone.now()
    assert notification_send(notification_id=n.pk) == "pending"
    n.refresh_from_db()
    assert n.error == "sms: cannot reach Twilio (connection refused)"
    assert n.attempt == 1 and n.next_try_at >= before + dt.timedelta(seconds=2)
    assert notification_send(notification_id=n.pk) == "not-claimed"  # not due yet

    _due_now(n)
    assert notification_send(notification_id=n.pk) == "failed"

    page_advance(page_id=page.pk, now=page.created_at + dt.timedelta(minutes=5, seconds=1))
    assert _sms(page, step=1).status == "pending"  # the backup is still texted
    page.refresh_from_db()
    assert page.status == "triggered" and page.step_index == 0 and page.cycle == 1


def test_a_timeout_before_twilio_made_the_message_is_retried_and_sent_once(settings):
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, stall_first=2.5) as twilio:
        settings.PAGING_SMS_API_BASE_URL = twilio.url
        team, *_ = _sms_team()
        n = _sms(_paged(team))

        assert notification_send(notification_id=n.pk) == "pending"
        n.refresh_from_db()
        assert n.error.startswith("sms: no answer from Twilio within 1 s")
        assert twilio.messages == []

        _due_now(n)
        assert notification_send(notification_id=n.pk) == "sent"

    assert len(twilio.gets) == 1  # looked first: nothing was there
    assert len(twilio.posts) == 2 and len(twilio.messages) == 1
    n.refresh_from_db()
    assert n.attempt == 2 and n.provider_message_id == twilio.messages[0]["sid"]


def test_a_retry_after_a_lost_answer_does_not_text_twice(settings):
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, lose_first_answer=2.5) as twilio:
        settings.PAGING_SMS_API_BASE_URL = twilio.url
        team, *_ = _sms_team()
        n = _sms(_paged(team))

        assert notification_send(notification_id=n.pk) == "pending"  # Twilio has it, we don't know
        assert len(twilio.messages) == 1

        _due_now(n)
        assert notification_send(notification_id=n.pk) == "sent"

    assert len(twilio.posts) == 1 and len(twilio.messages) == 1  # found, not sent again
    n.refresh_from_db()
    assert n.status == "sent" and n.attempt == 2
    assert n.provider_message_id == twilio.messages[0]["sid"]


def test_a_send_whose_worker_died_is_not_texted_again_after_its_lease(twilio):
    team, *_ = _sms_team()
    page = _paged(team)
    n = _sms(page)
    # The dead worker got as far as Twilio: the message exists, the row says "sending".
    staged = twilio.create(
        {"To": NURSE_PHONE, "From": "+15550100000",
         "Body": sms_text(reference=page.reference,
                          link=f"https://console.example/console/paging/pages/{page.pk}/")}
    )  # fmt: skip
    Notification.objects.filter(pk=n.pk).update(
        status="sending", lease_until=timezone.now() - dt.timedelta(seconds=1), attempt=1
    )

    assert str(n.pk) in notifications_redispatch()
    assert notification_send(notification_id=n.pk) == "sent"

    assert twilio.posts == []
    n.refresh_from_db()
    assert n.provider_message_id == staged["sid"] and n.attempt == 2


def test_an_earlier_message_to_another_number_is_not_taken_for_this_one(twilio):
    team, *_ = _sms_team()
    page = _paged(team)
    n = _sms(page)
    twilio.create({"To": "+15550109999", "From": "+15550100000", "Body": "Crisis page X"})
    Notification.objects.filter(pk=n.pk).update(attempt=1)  # a retry: it looks first

    assert notification_send(notification_id=n.pk) == "sent"

    assert len(twilio.gets) == 1 and len(twilio.posts) == 1


def test_a_4xx_from_twilio_fails_at_once_with_a_clear_error_and_escalation_goes_on(
    settings, caplog
):
    refusal = (400, 21211, f"The 'To' number {NURSE_PHONE} is not a valid phone number.")
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, refuse=refusal) as twilio:
        settings.PAGING_SMS_API_BASE_URL = twilio.url
        team, *_ = _sms_team()
        page = _paged(team)
        n = _sms(page)
        email = Notification.objects.get(page=page, channel="email", step=0)

        with caplog.at_level(logging.DEBUG):
            assert notification_send(notification_id=n.pk) == "failed"
        assert notification_send(notification_id=email.pk) == "sent"

        n.refresh_from_db()
        assert n.attempt == 1 and len(twilio.posts) == 1  # no retry of a refusal
        assert n.error == (
            "sms: Twilio refused the message (HTTP 400, error 21211): "
            "the recipient's number is not a valid phone number"
        )
        assert NURSE_PHONE not in n.error and NURSE_PHONE not in caplog.text
        assert "21211" in caplog.text

        created = page_advance(
            page_id=page.pk, now=page.created_at + dt.timedelta(minutes=5, seconds=1)
        )
    assert created  # the backup step ran as planned
    page.refresh_from_db()
    assert page.status == "triggered" and page.first_notified_at is not None


def test_wrong_credentials_are_named_as_such(settings):
    with TwilioStandIn(TEST_ACCOUNT_SID, "another-token") as twilio:
        settings.PAGING_SMS_API_BASE_URL = twilio.url
        team, *_ = _sms_team()
        n = _sms(_paged(team))

        assert notification_send(notification_id=n.pk) == "failed"

    n.refresh_from_db()
    assert n.error == (
        "sms: Twilio refused the message (HTTP 401, error 20003): "
        "authentication failed: check the team's account SID and auth token"
    )


def test_a_rate_limit_is_retried_not_given_up(settings):
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, refuse=(429, 20429, "Too Many")) as tw:
        settings.PAGING_SMS_API_BASE_URL = tw.url
        team, *_ = _sms_team()
        n = _sms(_paged(team))

        assert notification_send(notification_id=n.pk) == "pending"


def test_neither_the_number_nor_the_token_reaches_a_log(settings, caplog):
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, lose_first_answer=2.5) as twilio:
        settings.PAGING_SMS_API_BASE_URL = twilio.url
        team, *_ = _sms_team()
        n = _sms(_paged(team))

        with caplog.at_level(logging.DEBUG):
            notification_send(notification_id=n.pk)
            _due_now(n)
            assert notification_send(notification_id=n.pk) == "sent"

    assert twilio.gets and "To=" not in twilio.gets[0]  # the look-up names only our number
    assert caplog.records  # the HTTP libraries did log at DEBUG
    for needle in (NURSE_PHONE, NURSE_PHONE[1:], "%2B15550102030", TEST_AUTH_TOKEN):
        assert needle not in caplog.text


def test_the_token_and_number_are_sealed_at_rest():
    team, nurse, _ = _sms_team()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT auth_token FROM paging_smsaccount WHERE team_id = %s", [team.pk])
        [(token,)] = cursor.fetchall()
        cursor.execute("SELECT phone FROM paging_pagingphone WHERE user_id = %s", [nurse.pk])
        [(phone,)] = cursor.fetchall()

    assert token.startswith("phi1:") and TEST_AUTH_TOKEN not in token
    assert phone.startswith("phi1:") and "0102030" not in phone
    assert SmsAccount.objects.get(team=team).auth_token == TEST_AUTH_TOKEN


def test_the_page_lists_the_sms_with_its_time_and_without_the_number(twilio, client):
    team, nurse, _ = _sms_team()
    page = _paged(team)
    n = _sms(page)
    notification_send(notification_id=n.pk)
    n.refresh_from_db()
    login_verified(client, nurse)

    html = client.get(reverse("console:paging:page_detail", args=[page.pk])).content.decode()

    row = next(r for r in html.split("<tr>") if "<td>SMS</td>" in r)
    assert str(nurse) in row and "Sent" in row
    assert timezone.localtime(n.sent_at).strftime("%H:%M:%S") in row
    assert "0102030" not in html


def test_production_refuses_to_start_with_a_stand_in_for_twilio():
    from tests.config.test_settings import SAFE_PRODUCTION_ENV, run_manage

    env = {**SAFE_PRODUCTION_ENV, "PAGING_SMS_API_BASE_URL": "http://127.0.0.1:9"}

    result = run_manage(env, "check")

    assert result.returncode != 0
    assert "PAGING_SMS_API_BASE_URL is for tests only" in result.stderr
