import csv
import io
import json

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from tests.factories.accounts import TeamFactory, login_verified, make_staff
from tests.factories.audit import record_event, record_events

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_accessevent_changelist"


@pytest.fixture
def auditor_client(client):
    login_verified(client, make_staff(Role.AUDITOR, username="aud.it"))
    return client


@pytest.fixture
def superuser_client(client):
    login_verified(client, make_staff(None, username="root", is_superuser=True, is_staff=True))
    return client


def _streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_nobody_adds_changes_or_deletes_events_not_even_a_superuser(rf):
    request = rf.get("/")
    request.user = make_staff(None, is_superuser=True, is_staff=True)

    for model in (AccessEvent, LogEntry):
        model_admin = admin.site._registry[model]
        assert model_admin.has_add_permission(request) is False
        assert model_admin.has_change_permission(request) is False
        assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in admin.site._registry[AccessEvent].get_actions(request)


def test_a_superuser_can_open_an_event_but_not_delete_it(superuser_client):
    event = record_event()

    page = superuser_client.get(reverse("admin:audit_accessevent_change", args=[event.pk]))
    delete = superuser_client.post(
        reverse("admin:audit_accessevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert delete.status_code == 403
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_an_auditor_reads_the_trail_and_searches_by_patient_reference(auditor_client):
    record_event(patient_ref="C-0001")
    record_event(patient_ref="C-0002")

    response = auditor_client.get(reverse(CHANGELIST), {"q": "C-0002"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("patient_ref", flat=True)) == [
        "C-0002"
    ]


def test_the_trail_is_filtered_by_patient_reference_and_user_through_the_url(auditor_client):
    from tests.factories.accounts import UserFactory

    nurse = UserFactory(username="nurse.cy")
    record_event(patient_ref="C-0001", actor=nurse)
    record_event(patient_ref="C-0001")
    record_event(patient_ref="C-0002", actor=nurse)

    response = auditor_client.get(
        reverse(CHANGELIST), {"patient_ref": "C-0001", "actor_username": "nurse.cy"}
    )

    assert response.status_code == 200
    assert [(e.patient_ref, e.actor_username) for e in response.context["cl"].result_list] == [
        ("C-0001", "nurse.cy")
    ]


def test_the_trail_is_filtered_by_action_and_outcome(auditor_client):
    record_event(action=AccessEvent.Action.VIEW)
    record_event(action=AccessEvent.Action.DENIED, outcome=AccessEvent.Outcome.DENIED)

    response = auditor_client.get(reverse(CHANGELIST), {"action": "denied", "outcome": "denied"})

    assert [e.action for e in response.context["cl"].result_list] == ["denied"]


@pytest.mark.parametrize("role", [Role.NURSE, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_staff_without_the_audit_permission_cannot_see_the_trail(client, role):
    login_verified(client, make_staff(role, is_staff=True))

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 403


def test_csv_export_is_itself_audited(auditor_client):
    events = record_events(3)

    response = auditor_client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", "_selected_action": [e.pk for e in events[:2]]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_streamed(response))))
    assert [row["sequence"] for row in rows] == ["1", "2"]
    assert rows[0]["hash"] == events[0].hash
    export = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert export.actor_username == "aud.it"
    assert export.details == {"format": "csv", "count": 2}


def test_json_export_is_itself_audited(auditor_client):
    events = record_events(2)

    response = auditor_client.post(
        reverse(CHANGELIST),
        {"action": "export_json", "_selected_action": [e.pk for e in events]},
    )

    lines = [json.loads(line) for line in _streamed(response).splitlines()]
    assert [line["object_id"] for line in lines] == ["1", "2"]
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_csv_cells_cannot_become_spreadsheet_formulas(auditor_client):
    event = record_event(reason='=HYPERLINK("http://evil")')

    response = auditor_client.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [event.pk]}
    )

    row = next(csv.DictReader(io.StringIO(_streamed(response))))
    assert row["reason"].startswith("'=")


def test_an_export_that_cannot_be_audited_is_not_served(auditor_client, audit_writes_fail):
    response = auditor_client.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": ["1"]}
    )

    assert response.status_code == 503


def test_the_change_history_is_readable_by_auditors_and_read_only(auditor_client):
    TeamFactory()

    response = auditor_client.get(reverse("admin:auditlog_logentry_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


# ---- AuditedModelAdmin, on a test admin site over Team (tests/audit/urls.py) ----


@pytest.fixture
def staff_client(client):
    login_verified(client, make_staff(None, username="boss", is_superuser=True, is_staff=True))
    return client


@pytest.mark.urls("tests.audit.urls")
def test_an_admin_change_view_of_a_phi_model_records_one_view(staff_client):
    team = TeamFactory()

    response = staff_client.get(f"/test-admin/accounts/team/{team.pk}/change/")

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "view", "accounts.team", str(team.pk),
    )  # fmt: skip
    assert event.patient_ref == f"T-{team.pk}"
    assert event.details == {"via": "admin", "view": "change"}


@pytest.mark.urls("tests.audit.urls")
def test_saving_a_change_in_the_admin_records_one_update(staff_client):
    team = TeamFactory(name="North")

    response = staff_client.post(
        f"/test-admin/accounts/team/{team.pk}/change/",
        {"name": "North clinic", "slug": team.slug, "time_zone": team.time_zone},
    )

    assert response.status_code == 302
    event = AccessEvent.objects.get()
    assert (event.action, event.object_id) == ("update", str(team.pk))


@pytest.mark.urls("tests.audit.urls")
def test_an_admin_history_view_records_one_view(staff_client):
    team = TeamFactory()

    staff_client.get(f"/test-admin/accounts/team/{team.pk}/history/")

    assert AccessEvent.objects.get().details == {"via": "admin", "view": "history"}


@pytest.mark.urls("tests.audit.urls")
def test_an_admin_list_records_list_and_a_search_records_search_without_the_term(staff_client):
    TeamFactory(name="Alpha")
    TeamFactory(name="Beta")

    staff_client.get("/test-admin/accounts/team/")
    staff_client.get("/test-admin/accounts/team/", {"q": "Alpha"})

    listed, searched = AccessEvent.objects.order_by("sequence")
    assert (listed.action, listed.details["results"]) == ("list", 2)
    assert (searched.action, searched.details["results"]) == ("search", 1)
    assert "Alpha" not in json.dumps(searched.details)
    assert "Alpha" not in searched.path


@pytest.mark.urls("tests.audit.urls")
def test_an_admin_change_view_fails_closed(staff_client, audit_writes_fail):
    team = TeamFactory(name="Sensitive Team")

    response = staff_client.get(f"/test-admin/accounts/team/{team.pk}/change/")

    assert response.status_code == 503
    assert b"Sensitive Team" not in response.content
