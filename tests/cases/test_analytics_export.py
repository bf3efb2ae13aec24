"""The de-identified analytics export: columns, no identifiers, unjoinable keys, audit."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessEvent
from cases.analytics.export import COLUMNS, export_analytics
from cases.models import CaseEvent, CrisisScan, CrisisSignal, TriageResult
from paging.models import Page
from tests.factories.cases import make_case, make_intake, make_team
from triage.models import Acuity

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 12, 2, 14, 37, 21, tzinfo=UTC)  # a Wednesday of 2026-W49
SINCE = date(2026, 11, 30)

# Identifying values planted in every case; none may reach the export.
PLANTED = {
    "full_name": "Philomena Quillfeather",
    "phone": "+1 555 867 5309",
    "email": "philomena.q@example.org",
    "date_of_birth": "1987-03-14",
    "reason": "I live at 742 Evergreen Terrace and Bartholomew Grimsditch keeps calling me",
}
PLANTED_NOTE = "Spoke with her sister Ottoline Vexbury at 42 Wallaby Way"


def make_full_case(team=None, **intake_fields):
    """A crisis case as it would look after a night's work: engine run, crisis scan,
    page, contact attempt and disposition, with identifying values in every PHI field."""
    team = team or make_team("north")
    intake = make_intake(
        team=team,
        submitted_at=SUBMITTED,
        age_band="25_34",
        gender="woman",
        **{**PLANTED, **intake_fields},
    )
    case = make_case(
        team=team,
        intake=intake,
        acuity=Acuity.EMERGENT,
        crisis=True,
        opened_at=SUBMITTED,
        closed_at=SUBMITTED + timedelta(hours=2),
        status="closed",
        disposition="appointment_booked",
    )
    case.triage_acuity = Acuity.URGENT
    case.save(update_fields=["triage_acuity"])
    TriageResult.objects.create(
        case=case,
        script_version="north-v3",
        source=TriageResult.Source.INTAKE,
        acuity=Acuity.URGENT,
        crisis=True,
        reasons=[{"rule_id": "r1", "text": PLANTED["reason"]}],
        screeners={"phq9": {"total": 17, "band": "moderately_severe"}, "gad7": {"total": 9}},
    )
    for source, rule_id in [("intake_text", "lexicon.si.1"), ("intake_text", "model.concern")]:
        CrisisSignal.objects.create(
            case=case,
            source=source,
            source_id="reason",
            category="suicidal_ideation",
            severity="high",
            rule_id=rule_id,
            matched="Bartholomew Grimsditch",
        )
    CrisisScan.objects.create(
        case=case,
        source="intake",
        source_id="reason",
        scan="inline",
        model_version="cm-2026.11",
        model_probability=0.8731,
        model_threshold=0.3,
        crisis=True,
    )
    Page.objects.create(
        case=case,
        team=team,
        reference=case.reference,
        dedup_key=f"crisis:{case.pk}",
        policy_snapshot={},
        round_started_at=SUBMITTED,
        created_at=SUBMITTED + timedelta(seconds=2),
        first_notified_at=SUBMITTED + timedelta(seconds=5),
        first_acknowledged_at=SUBMITTED + timedelta(seconds=95),
        acknowledged_at=SUBMITTED + timedelta(seconds=95),
    )
    event = CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.CONTACT_ATTEMPT,
        summary="Contact attempt (phone): Reached the patient",
        body=PLANTED_NOTE,
        data={"method": "phone", "outcome": "reached"},
    )
    CaseEvent.objects.filter(pk=event.pk).update(created_at=SUBMITTED + timedelta(minutes=10))
    return case


def _export(tmp_path, name="out.csv"):
    path = tmp_path / name
    export_analytics(out=path, since=SINCE)
    with open(path, newline="", encoding="utf-8") as handle:
        return path, list(csv.DictReader(handle))


def test_it_writes_one_row_per_case_with_the_columns(tmp_path):
    make_full_case()
    make_case(intake=make_intake(team=make_team("south"), submitted_at=SUBMITTED))
    make_case(opened_at=SUBMITTED - timedelta(days=30))  # before --since: left out

    path, rows = _export(tmp_path)

    assert path.read_text().splitlines()[0] == ",".join(COLUMNS)
    assert len(rows) == 2
    row = next(r for r in rows if r["crisis"] == "1")
    assert row == {
        **row,
        "team": "north",
        "submitted_period": "2026-W49",
        "engine_acuity": "urgent",
        "final_acuity": "emergent",
        "crisis_sources": "lexicon+model",
        "script_version": "north-v3",
        "model_version": "cm-2026.11",
        "model_max_probability": "0.873",
        "first_notified_s": "5",
        "acknowledged_s": "95",
        "first_contact_s": "600",
        "closed_s": "7200",
        "phq9_total": "17",
        "gad7_total": "9",
        "asq_total": "",
        "disposition": "appointment_booked",
        "last_contact_outcome": "reached",
        "age_band": "25_34",
        "language": "en",
        "gender": "woman",
    }
    assert len(row["case_key"]) == 64


def test_it_leaves_out_every_identifier_and_any_date_finer_than_the_week(tmp_path):
    case = make_full_case()

    path, _ = _export(tmp_path)
    text = path.read_text(encoding="utf-8")

    values = [*PLANTED.values(), PLANTED_NOTE, case.reference, str(case.pk), case.intake.pk.hex]
    words = [w for v in [PLANTED["full_name"], PLANTED["reason"], PLANTED_NOTE] for w in v.split()]
    needles = values + [w for w in words if len(w) > 4 and w[0].isupper()] + ["5309", "867"]
    for needle in needles:
        assert needle.lower() not in text.lower(), needle
    assert "@" not in text
    # No day, time or timestamp in any form; only the ISO week.
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}", text)
    assert not re.search(r"\b(19|20)\d{6}\b", text)  # compact dates such as 19870314
    assert "2026-W49" in text


def test_two_exports_cannot_be_joined(tmp_path):
    make_full_case()
    make_full_case()

    _, first = _export(tmp_path, "a.csv")
    _, second = _export(tmp_path, "b.csv")

    assert len({r["case_key"] for r in first}) == 2
    assert not {r["case_key"] for r in first} & {r["case_key"] for r in second}


def test_it_records_the_export_without_phi(tmp_path):
    make_full_case()

    _export(tmp_path)

    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.object_type == "cases.case"
    assert event.details == {"count": 1, "since": "2026-11-30", "period": "week"}
    assert event.patient_ref == ""


def test_its_query_count_does_not_grow_with_the_cases(tmp_path):
    # The very first audit event of a fresh chain reads one row more: start the chain.
    _export(tmp_path, "empty.csv")
    for _ in range(2):
        make_full_case()
    with CaptureQueriesContext(connection) as two:
        _export(tmp_path, "two.csv")
    for _ in range(8):
        make_full_case()
    with CaptureQueriesContext(connection) as ten:
        _, rows = _export(tmp_path, "ten.csv")

    assert len(rows) == 10
    assert len(two.captured_queries) == len(ten.captured_queries)
    # It does not even read the sealed columns it has no use for.
    sql = " ".join(q["sql"] for q in ten.captured_queries)
    for column in ["full_name", "date_of_birth", "phone", "email", "body", "matched", "reasons"]:
        assert f'"{column}"' not in sql


def test_the_command_writes_the_file(tmp_path, capsys):
    make_full_case()
    out = tmp_path / "analytics.csv"

    call_command("analytics_export", "--since", "2026-11-30", "--out", str(out))

    assert "1 cases written" in capsys.readouterr().out
    assert len(out.read_text().splitlines()) == 2


def test_the_command_can_keep_the_year_alone(tmp_path):
    make_full_case()
    out = tmp_path / "analytics.csv"

    call_command("analytics_export", "--since", "2026-11-30", "--out", str(out), "--period", "year")

    with open(out, newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["submitted_period"] == "2026"
    assert "W49" not in out.read_text()


def test_the_command_refuses_a_bad_date(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("analytics_export", "--since", "30/11/2026", "--out", str(tmp_path / "x"))
