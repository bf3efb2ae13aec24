import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit import archive
from audit.models import ChainAnchor
from audit.services import verify_chain
from tests.factories.audit import record_event, record_events

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2018, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def old_and_new_events():
    with time_machine.travel(LONG_AGO, tick=False):
        old = record_events(3)
    new = record_events(2)
    return old, new


def _delete_as_privileged_role(last_sequence: int) -> None:
    # Its own transaction, as the table owner runs it (README, "Audit trail").
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only"
        )
        cursor.execute("DELETE FROM audit_accessevent WHERE sequence <= %s", [last_sequence])
        cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only")


def test_it_archives_events_older_than_the_retention_with_their_boundary_hashes(
    old_and_new_events, tmp_path
):
    old, _new = old_and_new_events
    out = StringIO()

    call_command("audit_archive", str(tmp_path), stdout=out)

    (path,) = tmp_path.glob("*.jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    header, events, trailer = lines[0], lines[1:-1], lines[-1]
    assert (header["first_sequence"], header["last_sequence"]) == (1, 3)
    assert header["first_prev_hash"] == "0" * 64
    assert header["last_hash"] == old[-1].hash
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert trailer["type"] == "signature"
    anchor = ChainAnchor.objects.get()
    assert (anchor.sequence, anchor.hash) == (3, old[-1].hash)
    assert "DELETE FROM audit_accessevent WHERE sequence <= 3;" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_remaining_chain_verifies_from_the_anchor_after_the_privileged_delete(
    old_and_new_events, tmp_path
):
    result = archive.archive_before(archive.retention_cutoff(), tmp_path)

    _delete_as_privileged_role(result.anchor.sequence)

    report = verify_chain()
    assert report.ok, report
    assert report.count == 2
    assert record_event().sequence == 6


@pytest.mark.django_db(transaction=True)
def test_without_its_anchor_a_deleted_range_is_reported(old_and_new_events):
    _delete_as_privileged_role(3)

    report = verify_chain()

    assert not report.ok
    assert report.broken_sequence == 4
    assert "no archive anchor" in report.problem


def test_an_archive_file_verifies_and_a_tampered_one_does_not(old_and_new_events, tmp_path):
    result = archive.archive_before(archive.retention_cutoff(), tmp_path)
    out = StringIO()

    call_command("audit_archive", str(tmp_path), verify=result.path, stdout=out)
    assert "archive OK: sequences 1-3" in out.getvalue()

    result.path.write_text(result.path.read_text().replace("C-0001", "C-0666", 1))
    with pytest.raises(CommandError, match="signature"):
        call_command("audit_archive", str(tmp_path), verify=result.path)


def test_it_refuses_a_date_inside_the_retention_period(tmp_path):
    with pytest.raises(CommandError, match="retention"):
        call_command("audit_archive", str(tmp_path), before=dt.date.today())


def test_nothing_to_archive_writes_no_file(tmp_path):
    record_event()
    out = StringIO()

    call_command("audit_archive", str(tmp_path), stdout=out)

    assert "nothing to archive" in out.getvalue()
    assert not list(tmp_path.iterdir())
