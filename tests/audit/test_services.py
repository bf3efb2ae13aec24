import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import RequestFactory

from accounts.roles import Role
from audit import chain
from audit.context import context_from
from audit.models import GENESIS_HASH, AccessEvent
from audit.services import AuditWriteError, accesses_for, record_access, verify_chain
from tests.factories.accounts import UserFactory
from tests.factories.audit import record_event, record_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse():
    user = UserFactory(username="nurse.ana")
    user.groups.add(Group.objects.get(name=Role.NURSE))
    return user


def test_it_records_who_what_where_and_when_from_the_request(nurse, settings):
    # Behind one proxy: it set the request id and appended the client to the chain.
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/console/cases/7/?q=Jane+Doe",
        HTTP_USER_AGENT="Firefox/140",
        HTTP_X_REQUEST_ID="req-123",
        HTTP_X_FORWARDED_FOR="10.1.2.3",
        REMOTE_ADDR="10.0.0.1",
    )
    request.user = nurse

    event = record_access(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="cases.Case",
        object_id=7,
        patient_ref="C-0007",
        reason="on shift",
    )

    event.refresh_from_db()
    assert event.actor == nurse
    assert event.actor_username == "nurse.ana"
    assert event.actor_role == "nurse"
    assert (event.action, event.outcome) == ("view", "allowed")
    assert (event.object_type, event.object_id, event.patient_ref) == ("cases.case", "7", "C-0007")
    assert event.reason == "on shift"
    assert event.client_address == "10.1.2.3"
    assert event.user_agent == "Firefox/140"
    assert event.request_id == "req-123"
    # Never the query string: it can carry PHI.
    assert event.path == "/console/cases/7/"


def test_it_takes_the_request_context_set_by_the_middleware(nurse):
    from audit import context

    request = RequestFactory().get("/console/", REMOTE_ADDR="10.9.9.9")
    request.user = nurse
    token = context.activate(context_from(request))
    try:
        event = record_event()
    finally:
        context.deactivate(token)

    assert event.actor_username == "nurse.ana"
    assert event.client_address == "10.9.9.9"
    assert event.path == "/console/"


def test_it_records_a_system_event_without_a_request():
    event = record_event(action=AccessEvent.Action.EXPORT)

    assert event.actor is None
    assert event.actor_username == ""
    assert event.request_id == ""


def test_it_bounds_the_user_agent(nurse):
    request = RequestFactory().get("/", HTTP_USER_AGENT="x" * 5000)
    request.user = nurse

    event = record_event(request=request)

    assert len(event.user_agent) == 300


def test_an_unusable_request_id_is_replaced_by_a_fresh_one(nurse, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    request.user = nurse

    event = record_event(request=request)

    assert len(event.request_id) == 32 and event.request_id.isalnum()


def test_it_starts_the_chain_at_genesis_and_links_each_event_to_the_previous():
    first, second, third = record_events(3)

    assert (first.sequence, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.sequence, second.prev_hash) == (2, first.hash)
    assert (third.sequence, third.prev_hash) == (3, second.hash)
    for event in (first, second, third):
        event.refresh_from_db()
        assert chain.event_hash(event) == event.hash


def test_the_hash_covers_the_content():
    event = record_event(reason="routine review")
    event.refresh_from_db()

    event.reason = "something else"

    assert chain.event_hash(event) != event.hash


def test_it_writes_in_the_callers_transaction_and_rolls_back_with_it():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        record_event()
        raise Boom

    assert AccessEvent.objects.count() == 0
    assert record_event().sequence == 1


def test_it_refuses_an_unknown_action():
    with pytest.raises(AuditWriteError):
        record_event(action="peek")


def test_a_database_failure_becomes_an_audit_write_error(audit_writes_fail):
    with pytest.raises(AuditWriteError):
        record_event()


def test_details_are_stored_exactly_as_hashed():
    event = record_event(details={"results": 3, "ratio": 0.1, "via": "admin"})
    event.refresh_from_db()

    assert event.details == {"results": 3, "ratio": 0.1, "via": "admin"}
    assert verify_chain().ok


def test_accesses_for_lists_the_events_of_one_object_newest_first(nurse):
    record_event(object_id="5", actor=nurse)
    record_event(object_id="6")
    record_event(object_id="5", action=AccessEvent.Action.UPDATE, actor=nurse)

    events = list(accesses_for("cases.Case", 5))

    assert [e.action for e in events] == ["update", "view"]
    assert all(e.object_id == "5" for e in events)


def test_events_of_one_request_share_its_request_id_without_the_middleware(nurse):
    request = RequestFactory().get("/console/")
    request.user = nurse

    first = record_event(request=request)
    second = record_event(request=request, action=AccessEvent.Action.LIST)

    assert first.request_id == second.request_id != ""
