import json
import time

import pytest
from django.db import connection

from accounts.roles import Role
from audit import tasks
from tests.factories.accounts import make_staff
from tests.factories.audit import record_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_file(settings, tmp_path):
    path = tmp_path / "audit-head.jsonl"
    settings.AUDIT_HEAD_EXPORT = str(path)
    return path


def test_the_beat_schedule_exports_the_head_and_verifies_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["audit-export-chain-head"]["task"] == "audit.tasks.export_chain_head"
    assert schedule["audit-verify-chain"]["task"] == "audit.tasks.verify_chain"
    assert schedule["audit-verify-chain"]["schedule"] == 24 * 60 * 60
    assert settings.AUDIT_RETENTION_DAYS == 2190


def test_export_task_appends_the_current_head(head_file):
    events = record_events(3)

    tasks.export_chain_head()

    head = json.loads(head_file.read_text().splitlines()[-1])
    assert (head["sequence"], head["hash"]) == (3, events[-1].hash)


def test_verify_task_sends_no_mail_when_the_chain_is_intact(head_file, mailoutbox):
    make_staff(Role.ADMINISTRATOR, email="admin@clinic.example")
    record_events(3)

    assert tasks.verify_chain() is True
    assert mailoutbox == []


def test_verify_task_mails_the_administrators_on_a_break_without_phi(
    head_file, mailoutbox, settings
):
    settings.ADMINS = [("Ops", "ops@clinic.example")]
    make_staff(Role.ADMINISTRATOR, email="admin@clinic.example")
    make_staff(Role.NURSE, email="nurse@clinic.example")
    record_events(3, patient_ref="C-SECRET-REF")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audit_accessevent SET reason = 'x' WHERE sequence = 2")
        cursor.execute("SET LOCAL session_replication_role = origin")

    assert tasks.verify_chain() is False

    (mail,) = mailoutbox
    assert sorted(mail.to) == ["admin@clinic.example", "ops@clinic.example"]
    assert "FAILED" in mail.subject
    assert "sequence 2" in mail.body
    assert "C-SECRET-REF" not in mail.body


def test_verify_task_catches_a_truncated_tail_through_the_exported_head(head_file, mailoutbox):
    make_staff(Role.ADMINISTRATOR, email="admin@clinic.example")
    record_events(3)
    tasks.export_chain_head()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_accessevent WHERE sequence = 3")
        cursor.execute("SET LOCAL session_replication_role = origin")

    assert tasks.verify_chain() is False
    assert "exported head missing" in mailoutbox[0].body


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_export_the_head_on_schedule(start_celery, tmp_path):
    path = tmp_path / "heads.jsonl"
    last = record_events(2)[-1]
    env = {"AUDIT_HEAD_EXPORT": str(path), "AUDIT_HEAD_EXPORT_INTERVAL": "1"}
    start_celery("worker", **env)
    start_celery("beat", **env)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (path.exists() and path.read_text().strip()):
        time.sleep(0.2)

    head = json.loads(path.read_text().splitlines()[0])
    assert (head["sequence"], head["hash"]) == (2, last.hash)
