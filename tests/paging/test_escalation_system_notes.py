import datetime as dt

import pytest
import time_machine

from cases.models import CaseEvent
from paging.models import Page
from paging.services import page_acknowledge, page_advance, page_raise
from tests.factories.paging import make_crisis_case, make_oncall_team

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)


def test_a_system_note_after_an_acknowledgement_does_not_pause_escalation():
    team, nurse, *_ = make_oncall_team()
    with time_machine.travel(T0, tick=False):
        case, signals = make_crisis_case(team)
        page = page_raise(case=case, signals=signals)
        page_advance(page_id=page.pk, now=T0)
        page_acknowledge(page=page, user=nurse)
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        # No actor: written by the system (the patient updated their contact details).
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, summary="Contact updated")

    created = page_advance(page_id=page.pk, now=T0 + dt.timedelta(seconds=900))

    page.refresh_from_db()
    assert page.status == Page.Status.TRIGGERED
    assert created
