import base64
import io

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import CaseEvent
from intake.models import Intake
from lib import phi
from lib.management.commands.rotate_phi_keys import models_with_phi
from tests.factories.cases import make_case, make_intake

pytestmark = pytest.mark.django_db

NEW_KEY = "k2027:" + base64.b64encode(b"r" * 32).decode()


def raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_phi_keys", "--batch-size", "2", stdout=out)
    return out.getvalue()


def test_it_discovers_every_model_with_encrypted_fields():
    labels = {m._meta.label for m in models_with_phi()}

    assert {"intake.Intake", "cases.CaseEvent", "cases.CrisisSignal"} <= labels


def test_after_rotation_every_record_is_readable_under_the_new_key(settings):
    intakes = [
        make_intake(full_name=f"Patient {n}", phone=f"555-010-01{n:02d}", answers={"phq9": [n]})
        for n in range(5)
    ]
    case = make_case(intake=intakes[0])
    event = CaseEvent.objects.create(case=case, kind="note", summary="s", body="Called back")
    settings.PHI_KEYS = [NEW_KEY, *settings.PHI_KEYS]

    output = rotate()

    assert "intake.Intake: 5 rows checked, 15 values re-encrypted" in output
    for n, intake in enumerate(intakes):
        assert raw("triage_intake", "full_name", intake.pk).startswith("phi1:k2027:")
        assert raw("triage_intake", "phone", intake.pk).startswith("phi1:k2027:")
        fresh = Intake.objects.get(pk=intake.pk)
        assert (fresh.full_name, fresh.phone, fresh.answers) == (
            f"Patient {n}",
            f"555-010-01{n:02d}",
            {"phq9": [n]},
        )
    assert raw("triage_caseevent", "body", event.pk).startswith("phi1:k2027:")
    assert CaseEvent.objects.get(pk=event.pk).body == "Called back"
    # With the old key gone, everything still opens.
    settings.PHI_KEYS = [NEW_KEY]
    assert Intake.objects.get(pk=intakes[3].pk).full_name == "Patient 3"


def test_rotation_is_idempotent(settings):
    make_intake(full_name="Ana")
    settings.PHI_KEYS = [NEW_KEY, *settings.PHI_KEYS]

    rotate()
    second = rotate()

    assert "Done:" in second and "0 values re-encrypted." in second


def test_blank_values_are_left_blank(settings):
    intake = make_intake(full_name="Ana", email="")
    settings.PHI_KEYS = [NEW_KEY, *settings.PHI_KEYS]

    rotate()

    assert raw("triage_intake", "email", intake.pk) == ""
    assert phi.key_id_of(raw("triage_intake", "full_name", intake.pk)) == "k2027"
