"""The same append-only guarantees on SQLite (the demo database): a child process
migrates a fresh SQLite file, then tries every way of changing audit rows."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def sqlite_results(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("sqlite") / "audit.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        # Its own exported chain head: var/ may hold another run's.
        "AUDIT_HEAD_EXPORT": str(database.with_suffix(".head.jsonl")),
        "TRIAGE_ENV": "test",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "PYTHONPATH": str(ROOT),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    probe = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "audit" / "sqlite_probe.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_the_migration_installs_the_triggers_on_sqlite(sqlite_results):
    assert set(sqlite_results["installed"]) >= {
        "audit_accessevent_no_update",
        "audit_accessevent_no_delete",
        "audit_chainanchor_no_update",
        "auditlog_logentry_no_update",
        "auditlog_logentry_no_delete",
    }
    assert sqlite_results["missing"] == []
    assert sqlite_results["problems"] == []


def test_audit_verify_fails_on_a_sqlite_trigger_swapped_for_one_that_refuses_nothing(
    sqlite_results,
):
    swapped = sqlite_results["swapped"]

    assert swapped["problems"] == [
        "audit_accessevent_no_delete: altered (not the statement install() creates)"
    ]
    assert swapped["verify_code"] == 2
    assert "append-only triggers altered" in swapped["verify_err"]


@pytest.mark.parametrize(
    "operation",
    [
        "orm_save",
        "orm_delete",
        "queryset_update",
        "queryset_delete",
        "raw_update",
        "raw_delete",
        "logentry_save",
        "logentry_queryset_update",
        "logentry_raw_delete",
    ],
)
def test_sqlite_refuses_changing_audit_rows(sqlite_results, operation):
    assert sqlite_results[operation].startswith("refused: audit records are append-only")


def test_sqlite_keeps_every_event_and_a_valid_chain(sqlite_results):
    assert sqlite_results["events_left"] == 2
    assert sqlite_results["chain_ok"] is True


def test_sqlite_lets_a_staff_account_be_deleted_clearing_only_the_actor(sqlite_results):
    assert sqlite_results["user_delete_clears_actor"] == "allowed"
    assert sqlite_results["actor_after_user_delete"] is None


def test_flush_cannot_empty_the_audit_trail_outside_the_test_suite(sqlite_results):
    assert sqlite_results["flush"].startswith("refused: audit records are append-only")


def test_four_concurrent_writers_on_sqlite_leave_one_valid_chain(sqlite_results):
    assert sqlite_results["concurrent"] == {
        "errors": [],
        "written": 100,
        "gapless": True,
        "chain_ok": True,
    }
