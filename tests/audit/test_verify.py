import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.head_export import export_head
from audit.models import AccessEvent
from tests.factories.audit import record_events

pytestmark = pytest.mark.django_db


def _verify(**options) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def _bypassing_triggers(sql: str, params=()) -> None:
    """What a database superuser could do: change rows with the triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def no_head_export(settings):
    settings.AUDIT_HEAD_EXPORT = ""


def test_it_prints_the_count_and_head_hash_of_an_intact_chain(no_head_export):
    events = record_events(5)

    out, _err, code = _verify(chunk_size=2)

    assert code == 0
    assert "5 events" in out
    assert events[-1].hash in out


def test_an_empty_trail_verifies(no_head_export):
    out, _err, code = _verify()

    assert code == 0
    assert "0 events" in out


def test_it_finds_a_row_altered_with_the_triggers_disabled(no_head_export):
    events = record_events(5)
    _bypassing_triggers("UPDATE audit_accessevent SET patient_ref = 'C-FORGED' WHERE sequence = 3")

    _out, err, code = _verify(chunk_size=2)

    assert code == 2
    assert "BROKEN at sequence 3" in err
    assert "content does not match its hash" in err
    assert events[2].hash in err  # the hash found on the row


def test_it_finds_a_rewritten_row_whose_hash_was_recomputed(no_head_export):
    record_events(4)
    # A forger recomputes the row's own hash; the next row's link then breaks.
    from audit import chain

    event = AccessEvent.objects.get(sequence=2)
    event.reason = "forged"
    forged_hash = chain.event_hash(event)
    _bypassing_triggers(
        "UPDATE audit_accessevent SET reason = 'forged', hash = %s WHERE sequence = 2",
        [forged_hash],
    )

    _out, err, code = _verify()

    assert code == 2
    assert "BROKEN at sequence 3" in err
    assert "prev_hash does not match" in err


def test_it_finds_a_deleted_row(no_head_export):
    record_events(4)
    _bypassing_triggers("DELETE FROM audit_accessevent WHERE sequence = 2")

    _out, err, code = _verify()

    assert code == 2
    assert "BROKEN at sequence 3" in err
    assert "gap in sequence" in err


def test_rows_removed_from_the_end_are_caught_by_the_exported_head(settings, tmp_path):
    settings.AUDIT_HEAD_EXPORT = str(tmp_path / "heads.jsonl")
    events = record_events(4)
    export_head()
    _bypassing_triggers("DELETE FROM audit_accessevent WHERE sequence >= 3")

    _out, err, code = _verify()

    assert code == 2
    assert "BROKEN at sequence 4" in err
    assert "exported head missing" in err
    assert events[-1].hash in err


def test_the_head_export_file_gets_one_json_line_per_export(settings, tmp_path):
    settings.AUDIT_HEAD_EXPORT = str(tmp_path / "heads.jsonl")
    record_events(2)
    export_head()
    last = record_events(1)[0]
    export_head()

    lines = [json.loads(line) for line in (tmp_path / "heads.jsonl").read_text().splitlines()]

    assert [line["sequence"] for line in lines] == [2, 3]
    assert lines[-1]["hash"] == last.hash
    assert "exported_at" in lines[-1]
    out, _err, code = _verify()
    assert code == 0, out


def test_the_head_can_be_posted_to_a_url(settings):
    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        last = record_events(2)[-1]
        settings.AUDIT_HEAD_EXPORT = f"http://127.0.0.1:{server.server_port}/heads"

        export_head()
    finally:
        server.shutdown()
        server.server_close()

    assert [(head["sequence"], head["hash"]) for head in received] == [(2, last.hash)]


def test_a_plain_http_url_is_refused_in_production(settings):
    settings.AUDIT_HEAD_EXPORT = "http://heads.example/"
    settings.TRIAGE_ENV = "production"

    with pytest.raises(ImproperlyConfigured):
        export_head()


def test_it_reports_a_missing_append_only_trigger(no_head_export):
    record_events(2)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER audit_accessevent_append_only ON audit_accessevent")

    _out, err, code = _verify()

    assert code == 2
    assert "append-only triggers missing" in err
    assert "audit_accessevent_append_only" in err


@pytest.fixture
def disabled_trigger():
    """The penetration test's move: the table owner turns the row trigger off."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # ALTER TABLE waits for no deferred FK check of the rows the test wrote.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER USER")


def test_it_fails_loudly_when_an_append_only_trigger_is_disabled(
    no_head_export, disabled_trigger, caplog
):
    record_events(2)

    _out, err, code = _verify()

    assert code == 2
    assert "append-only triggers disabled" in err
    assert "audit_accessevent_append_only: disabled" in err
    assert "audit_accessevent_no_truncate: disabled" in err
    alerts = [r for r in caplog.records if r.levelno >= logging.CRITICAL]
    assert alerts and "audit_accessevent_append_only" in alerts[0].getMessage()


def test_it_verifies_again_once_the_trigger_is_re_enabled(no_head_export):
    record_events(2)
    trigger = "audit_accessevent_append_only"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE audit_accessevent DISABLE TRIGGER {trigger}")
        assert _verify()[2] == 2
        cursor.execute(f"ALTER TABLE audit_accessevent ENABLE TRIGGER {trigger}")

    out, _err, code = _verify()

    assert code == 0, out


def test_a_trigger_that_fires_only_for_replicas_counts_as_disabled(no_head_export):
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE audit_chainanchor ENABLE REPLICA TRIGGER audit_chainanchor_append_only"
        )
        try:
            _out, err, code = _verify()
        finally:
            cursor.execute(
                "ALTER TABLE audit_chainanchor ENABLE TRIGGER audit_chainanchor_append_only"
            )

    assert code == 2
    assert "audit_chainanchor_append_only: disabled (fires only for replicas" in err


def test_it_reports_a_trigger_whose_function_no_longer_refuses(no_head_export):
    # CREATE OR REPLACE inside the test's transaction: rolled back afterwards.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$"
        )

    _out, err, code = _verify()

    assert code == 2
    assert "append-only triggers altered" in err
    assert "audit_accessevent_append_only: altered" in err


def test_the_daily_task_logs_a_disabled_trigger_as_critical(
    no_head_export, disabled_trigger, caplog
):
    from audit import tasks

    assert tasks.verify_chain() is False
    assert any(
        r.levelno >= logging.CRITICAL and "append-only triggers disabled" in r.getMessage()
        for r in caplog.records
    )
