"""The database itself refuses to change or remove audit rows (PostgreSQL, the suite's
database; SQLite in test_triggers_sqlite.py)."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from audit import triggers
from audit.models import AccessEvent, ChainAnchor
from audit.services import verify_chain
from tests.factories.accounts import UserFactory
from tests.factories.audit import record_event

pytestmark = pytest.mark.django_db


def _refused(operation) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        operation()


def _raw(sql: str, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def test_the_migration_installed_triggers_on_every_protected_table():
    assert triggers.installed(connection) >= {
        "audit_accessevent_append_only",
        "audit_accessevent_no_truncate",
        "audit_chainanchor_append_only",
        "auditlog_logentry_append_only",
        "auditlog_logentry_no_truncate",
    }


def test_orm_save_of_an_existing_event_is_refused():
    event = record_event()
    event.reason = "rewritten"

    _refused(event.save)


def test_orm_delete_of_an_event_is_refused():
    event = record_event()

    _refused(event.delete)


def test_queryset_update_and_delete_are_refused():
    record_event()

    _refused(lambda: AccessEvent.objects.update(patient_ref="C-9999"))
    _refused(lambda: AccessEvent.objects.all().delete())


def test_raw_sql_update_delete_and_truncate_are_refused():
    record_event()

    _refused(_raw("UPDATE audit_accessevent SET reason = 'x'"))
    _refused(_raw("DELETE FROM audit_accessevent"))
    # TRUNCATE is refused anyway in a transaction with pending FK checks; make them run
    # now so the refusal seen is the trigger's.
    _raw("SET CONSTRAINTS ALL IMMEDIATE")()
    _refused(_raw("TRUNCATE audit_accessevent"))
    assert AccessEvent.objects.count() == 1


def test_archive_anchors_are_append_only_too():
    anchor = ChainAnchor.objects.create(
        sequence=10, hash="a" * 64, first_sequence=1, first_prev_hash="0" * 64,
        archive_name="x.jsonl", archive_sha256="b" * 64,
    )  # fmt: skip

    _refused(anchor.delete)
    _refused(_raw("UPDATE audit_chainanchor SET hash = 'c'"))


def test_auditlog_entries_cannot_be_changed_or_deleted():
    user = UserFactory()  # registered with auditlog: writes a CREATE entry
    entry = LogEntry.objects.get_for_object(user).get()

    entry.changes_text = "forged"
    _refused(entry.save)
    _refused(entry.delete)
    _refused(lambda: LogEntry.objects.update(changes_text="x"))
    _refused(_raw("DELETE FROM auditlog_logentry"))
    _raw("SET CONSTRAINTS ALL IMMEDIATE")()
    _refused(_raw("TRUNCATE auditlog_logentry CASCADE"))


def test_only_clearing_the_actor_is_allowed_so_a_staff_account_can_be_deleted():
    user = UserFactory(username="leaver")
    event = record_event(actor=user)

    user.delete()

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_username == "leaver"
    assert verify_chain().ok


def test_clearing_the_actor_together_with_another_column_is_refused():
    user = UserFactory()
    event = record_event(actor=user)

    _refused(
        _raw(
            "UPDATE audit_accessevent SET actor_id = NULL, reason = 'x' WHERE id = %s",
            [event.pk],
        )
    )
