import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from paging.models import EscalationPolicy, EscalationStep, OnCallSchedule
from paging.services import page_advance, page_raise
from tests.factories.accounts import login_verified, make_staff
from tests.factories.paging import make_crisis_case, make_oncall_team, make_policy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["oncallschedule", "escalationpolicy", "webhookendpoint", "page", "notification"]
)
def test_administrators_see_the_paging_admin_pages(client, model):
    team, *_ = make_oncall_team()
    make_policy(team, [(0, EscalationStep.Target.PRIMARY, None)])
    case, signals = make_crisis_case(team)
    page_advance(page_id=page_raise(case=case, signals=signals).pk)
    login_verified(client, make_staff("administrator", username="admin1"))

    response = client.get(reverse(f"admin:paging_{model}_changelist"))

    assert response.status_code == 200


def test_pages_and_notification_attempts_are_read_only_in_the_admin(client):
    login_verified(client, make_staff("administrator", username="admin1"))

    assert client.get(reverse("admin:paging_page_add")).status_code == 403
    assert client.get(reverse("admin:paging_notification_add")).status_code == 403


def test_a_policy_edited_in_the_admin_is_change_logged(client):
    team, *_ = make_oncall_team()
    policy = make_policy(team, [(0, EscalationStep.Target.PRIMARY, None)])
    admin = make_staff("administrator", username="admin1")
    login_verified(client, admin)

    response = client.post(
        reverse("admin:paging_escalationpolicy_change", args=[policy.pk]),
        {
            "team": team.pk,
            "name": "Night policy",
            "ack_timeout": "00:10:00",
            "repeat_after": "00:05:00",
            "is_active": "on",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "1",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-id": policy.steps.get().pk,
            "steps-0-policy": policy.pk,
            "steps-0-position": "0",
            "steps-0-delay": "00:00:00",
            "steps-0-target": "primary",
            "steps-0-notify_email": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.ack_timeout == dt.timedelta(minutes=10)
    entry = LogEntry.objects.get_for_object(policy).latest("timestamp")
    assert entry.actor == admin and "ack_timeout" in entry.changes_dict
    assert LogEntry.objects.get_for_object(policy.steps.get()).exists()
    assert OnCallSchedule.objects.exists() and EscalationPolicy.objects.count() == 1
