"""A crisis message starts its own response timer, counted from the message (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.services import case_escalate
from cases.targets import due_at
from messaging import scanning, services
from tests.factories.cases import make_case
from tests.factories.messaging import CRISIS, make_conversation, make_message
from triage.models import Acuity

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 3, 4, 22, 15, tzinfo=dt.UTC)
EMERGENT = dt.timedelta(minutes=settings.RESPONSE_TARGET_MINUTES["emergent"])


def routine_case_opened(ago: dt.timedelta) -> Case:
    opened = timezone.now() - ago
    return make_case(acuity=Acuity.ROUTINE, opened_at=opened, due_at=due_at("routine", opened))


@time_machine.travel(T0, tick=False)
def test_a_crisis_message_on_an_old_routine_case_is_due_from_the_message():
    case = routine_case_opened(dt.timedelta(days=3))

    message = services.message_post_from_patient(case=case, body=CRISIS).message

    case.refresh_from_db()
    assert case.acuity == Acuity.EMERGENT
    assert case.due_at == message.created_at + EMERGENT
    assert case.due_at > timezone.now()  # five minutes to act, not days overdue


def test_the_scan_of_record_counts_from_the_message_not_from_the_scan():
    with time_machine.travel(T0, tick=False):
        case = routine_case_opened(dt.timedelta(days=2))
        message = make_message(make_conversation(case), body=CRISIS)
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        assert scanning.message_scan_of_record(message_id=message.pk) == "signal"

    case.refresh_from_db()
    assert case.acuity == Acuity.EMERGENT
    assert case.due_at == T0 + EMERGENT


@time_machine.travel(T0, tick=False)
def test_an_earlier_deadline_still_running_is_kept():
    opened = T0 - dt.timedelta(minutes=58)
    case = make_case(acuity=Acuity.URGENT, opened_at=opened, due_at=due_at("urgent", opened))

    services.message_post_from_patient(case=case, body=CRISIS)

    case.refresh_from_db()
    assert case.acuity == Acuity.EMERGENT
    assert case.due_at == T0 + dt.timedelta(minutes=2)  # sooner than message + 5 min


@time_machine.travel(T0, tick=False)
def test_escalate_without_a_start_still_counts_from_the_opening():
    case = routine_case_opened(dt.timedelta(hours=1))

    case_escalate(case=case, acuity=Acuity.URGENT, crisis=False, version="v1")

    assert case.due_at == case.opened_at + dt.timedelta(minutes=60)


@time_machine.travel(T0, tick=False)
def test_a_crisis_message_on_an_emergent_case_leaves_its_timer_alone():
    opened = T0 - dt.timedelta(minutes=30)
    case = make_case(acuity=Acuity.EMERGENT, opened_at=opened, due_at=due_at("emergent", opened))

    services.message_post_from_patient(case=case, body=CRISIS)

    case.refresh_from_db()
    assert case.due_at == opened + EMERGENT  # still overdue: the emergent target was missed
