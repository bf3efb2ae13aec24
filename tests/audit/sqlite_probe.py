"""Run by test_triggers_sqlite.py in a child process on a migrated SQLite database:
tries every way of changing audit rows and prints what the database did, as JSON."""

import io
import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from auditlog.models import LogEntry  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from audit import triggers  # noqa: E402
from audit.models import AccessEvent  # noqa: E402
from audit.services import record_access, verify_chain  # noqa: E402


def attempt(operation) -> str:
    try:
        with transaction.atomic():
            operation()
    except DatabaseError as exc:
        return f"refused: {exc}"
    return "allowed"


def raw(sql: str):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return run


def concurrent_writers(writers: int = 4, each: int = 25) -> dict:
    """Threads with their own SQLite connections: BEGIN IMMEDIATE serializes the head."""
    errors: list[str] = []

    def write(number: int) -> None:
        try:
            for n in range(each):
                record_access(action="view", object_type="cases.case", object_id=f"{number}-{n}")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    before = AccessEvent.objects.count()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sequences = list(AccessEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    return {
        "errors": errors,
        "written": AccessEvent.objects.count() - before,
        "gapless": sequences == list(range(sequences[0], sequences[0] + len(sequences))),
        "chain_ok": verify_chain().ok,
    }


def swapped_trigger() -> dict:
    """A trigger of the right name that refuses nothing: audit_verify must say so."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER audit_accessevent_no_delete")
        cursor.execute(
            "CREATE TRIGGER audit_accessevent_no_delete BEFORE DELETE ON audit_accessevent "
            "WHEN 0 BEGIN SELECT RAISE(ABORT, 'never'); END"
        )
    err = io.StringIO()
    try:
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return {
        "problems": [str(problem) for problem in triggers.problems(connection)],
        "verify_code": code,
        "verify_err": err.getvalue(),
    }


def main() -> None:
    assert connection.vendor == "sqlite", connection.vendor
    user = User.objects.create(username="probe-user")
    event = record_access(actor=user, action="view", object_type="cases.Case", object_id="1")
    record_access(action="list", object_type="cases.Case")
    entry = LogEntry.objects.get_for_object(user).first()

    def orm_save():
        event.reason = "rewritten"
        event.save()

    def log_save():
        entry.changes_text = "forged"
        entry.save()

    results = {
        "installed": sorted(triggers.installed(connection)),
        "missing": triggers.missing(connection),
        "problems": [str(problem) for problem in triggers.problems(connection)],
        "orm_save": attempt(orm_save),
        "orm_delete": attempt(lambda: AccessEvent.objects.get(pk=event.pk).delete()),
        "queryset_update": attempt(lambda: AccessEvent.objects.update(patient_ref="C-9")),
        "queryset_delete": attempt(lambda: AccessEvent.objects.all().delete()),
        "raw_update": attempt(raw("UPDATE audit_accessevent SET reason = 'x'")),
        "raw_delete": attempt(raw("DELETE FROM audit_accessevent")),
        "logentry_save": attempt(log_save),
        "logentry_queryset_update": attempt(lambda: LogEntry.objects.update(changes_text="x")),
        "logentry_raw_delete": attempt(raw("DELETE FROM auditlog_logentry")),
        "user_delete_clears_actor": attempt(lambda: User.objects.get(pk=user.pk).delete()),
    }
    try:
        call_command("flush", interactive=False, verbosity=0)
        results["flush"] = "allowed"
    except Exception as exc:  # flush reports the database's refusal as a CommandError
        results["flush"] = f"refused: {exc.__cause__ or exc}"
    results["events_left"] = AccessEvent.objects.count()
    results["actor_after_user_delete"] = AccessEvent.objects.get(pk=event.pk).actor_id
    results["chain_ok"] = verify_chain().ok
    results["concurrent"] = concurrent_writers()
    results["swapped"] = swapped_trigger()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
