"""SMS with real worker and beat processes on Redis and a real local stand-in of Twilio.

A worker is killed while Twilio (the stand-in) holds its answer after accepting the
message: the next worker must find that message and not text the nurse again.
"""

from __future__ import annotations

import time

import pytest

from paging.models import EscalationStep, Notification
from tests.factories.paging import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    make_oncall_team,
    make_paging_phone,
    make_policy,
    make_sms_account,
)
from tests.paging.test_integration import FAST, raise_page, wait_for
from tests.paging.twilio_standin import TwilioStandIn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups():
    # A transactional test's flush also empties the groups the migrations created.
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def test_a_worker_killed_while_twilio_holds_its_answer_texts_the_nurse_once(start_celery):
    team, nurse, *_ = make_oncall_team()
    make_policy(team, [(0, EscalationStep.Target.PRIMARY, None)])
    make_sms_account(team)
    make_paging_phone(nurse, "+15550102030")
    # Twilio accepts the first message, then holds the answer 12 s and drops it.
    with TwilioStandIn(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, lose_first_answer=12) as twilio:
        env = {**FAST, "PAGING_SMS_API_BASE_URL": twilio.url, "PAGING_SMS_TIMEOUT": "30"}
        first = start_celery("worker", **env)
        start_celery("beat", **env)

        page = raise_page(team)
        wait_for(lambda: len(twilio.messages) == 1, 30, "Twilio to accept the SMS")
        first.proc.send_signal(9)  # SIGKILL while it waits for Twilio's answer
        first.proc.wait(timeout=10)
        sms = Notification.objects.get(page=page, channel="sms")
        assert sms.status == "sending"

        start_celery("worker", **env)
        wait_for(
            lambda: Notification.objects.get(pk=sms.pk).status == "sent",
            60,
            "the SMS recorded as sent by the new worker",
        )
        time.sleep(3)  # any second text would show up now

    sms.refresh_from_db()
    assert len(twilio.messages) == 1 and len(twilio.posts) == 1
    assert sms.attempt == 2 and sms.provider_message_id == twilio.messages[0]["sid"]
    assert twilio.posts[0]["form"]["Body"].startswith(f"Crisis page {page.reference} - open: ")
