import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from audit.decorators import MARKER, NO_PHI, SHOWS_PHI
from audit.models import AccessEvent
from tests.audit import urls as audit_urls
from tests.factories.accounts import TeamFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]


@pytest.fixture
def nurse_client(client):
    user = UserFactory(username="nurse.bo")
    user.groups.add(Group.objects.get(name=Role.NURSE))
    client.force_login(user)
    return client


def test_markers_survive_on_the_view_functions():
    assert getattr(audit_urls.team_page, MARKER) == SHOWS_PHI
    assert getattr(audit_urls.team_summary, MARKER) == SHOWS_PHI
    assert getattr(audit_urls.about, MARKER) == NO_PHI
    assert not hasattr(audit_urls.unmarked_deep_write, MARKER)


def test_a_phi_view_records_exactly_one_view_event(nurse_client, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # a proxy's X-Request-ID is kept
    team = TeamFactory()

    response = nurse_client.get(f"/teams/{team.pk}/", HTTP_X_REQUEST_ID="abc-1")

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.action, event.object_id, event.patient_ref) == (
        "view",
        str(team.pk),
        f"T-{team.pk}",
    )
    assert event.actor_username == "nurse.bo"
    assert event.request_id == "abc-1"
    assert response["X-Request-ID"] == "abc-1"


def test_audited_records_a_successful_response(nurse_client):
    team = TeamFactory()

    response = nurse_client.get(f"/teams/{team.pk}/summary/")

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.object_type, event.object_id) == ("accounts.team", str(team.pk))


def test_audited_records_nothing_for_a_missing_object(nurse_client):
    response = nurse_client.get("/teams/999999/summary/")

    assert response.status_code == 404
    assert AccessEvent.objects.count() == 0


def test_a_phi_view_fails_closed_with_503_when_the_event_cannot_be_written(
    nurse_client, audit_writes_fail
):
    team = TeamFactory(name="Sensitive Team")

    response = nurse_client.get(f"/teams/{team.pk}/")

    assert response.status_code == 503
    assert b"Sensitive Team" not in response.content
    assert b"could not be recorded" in response.content


def test_audited_fails_closed_too(nurse_client, audit_writes_fail):
    team = TeamFactory(name="Sensitive Team")

    response = nurse_client.get(f"/teams/{team.pk}/summary/")

    assert response.status_code == 503
    assert b"Sensitive Team" not in response.content


def test_the_middleware_fails_closed_for_an_unmarked_view(nurse_client, audit_writes_fail):
    response = nurse_client.get("/deep/")

    assert response.status_code == 503
    assert b"secret" not in response.content
