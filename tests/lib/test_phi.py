import base64
import io

import pytest
from django.db import connection

from intake.models import Intake
from lib import phi

pytestmark = pytest.mark.django_db

NEW_KEY = "k2:" + base64.b64encode(b"n" * 32).decode()


def raw_row(table: str, pk) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        columns = [c.name for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_it_round_trips_a_sealed_value():
    token = phi.seal("Ana García", b"aad")

    assert token.startswith("phi1:dev:")
    assert phi.open_sealed(token, b"aad") == "Ana García"


def test_it_refuses_a_value_moved_to_another_row():
    token = phi.seal("555-0100", b"triage_intake|row-1|phone")

    with pytest.raises(phi.PHIDecryptionError):
        phi.open_sealed(token, b"triage_intake|row-2|phone")


def test_blind_index_matches_the_same_phone_written_differently():
    same_phone = phi.blind_index("+1 555 010 0199", "phone")
    same_email = phi.blind_index("ana@example.org", "email")

    assert phi.blind_index("(555) 010-0199", "phone") == same_phone
    assert phi.blind_index("Ana@Example.org ", "email") == same_email


def test_raw_rows_hold_no_plaintext_phi(intake_factory):
    intake = intake_factory(
        full_name="Marisol Quintero", phone="555-010-0142", reason="I cannot sleep at all"
    )

    row = raw_row("triage_intake", intake.pk)

    dump = repr(row)
    for plaintext in ("Marisol", "555-010-0142", "cannot sleep"):
        assert plaintext not in dump
    assert row["full_name"].startswith("phi1:")


def test_it_reads_back_what_was_saved(intake_factory):
    intake = intake_factory(full_name="Marisol Quintero", answers={"phq9": [1, 2, 3]})

    fresh = Intake.objects.get(pk=intake.pk)

    assert fresh.full_name == "Marisol Quintero"
    assert fresh.answers == {"phq9": [1, 2, 3]}


def test_queryset_update_with_plaintext_is_refused(intake_factory):
    intake = intake_factory()

    with pytest.raises(ValueError, match="holds PHI"):
        Intake.objects.filter(pk=intake.pk).update(full_name="Plain Text")


def test_rotation_keeps_old_rows_readable_and_reseals_under_the_new_key(intake_factory, settings):
    intake = intake_factory(full_name="Marisol Quintero")
    settings.PHI_KEYS = [NEW_KEY, *settings.PHI_KEYS]

    fresh = Intake.objects.get(pk=intake.pk)
    assert fresh.full_name == "Marisol Quintero"
    fresh.save(update_fields=["full_name"])

    assert raw_row("triage_intake", intake.pk)["full_name"].startswith("phi1:k2:")
    assert Intake.objects.get(pk=intake.pk).full_name == "Marisol Quintero"


def test_the_break_glass_reason_is_stored_nowhere_in_plain_text(case_factory, rf, settings):
    from django.core.management import call_command

    from accounts.roles import Role
    from audit.models import AccessEvent
    from cases.access import break_glass_open
    from tests.factories.accounts import make_staff
    from tests.factories.cases import make_team

    case = case_factory(team=make_team("south"))
    request = rf.post("/")
    request.user = make_staff(Role.CLINICIAN, team=make_team("north"))
    grant = break_glass_open(request=request, case=case, reason="Mother Rosa Quintero called")

    event = AccessEvent.objects.get(action=AccessEvent.Action.BREAK_GLASS)
    grant_row = raw_row("triage_breakglassaccess", grant.pk)
    assert "Quintero" not in repr(grant_row) + repr(raw_row("audit_accessevent", event.pk))
    assert grant_row["reason"].startswith("phi1:")
    assert event.details["break_glass_id"] == str(grant.pk)
    assert event.details["reason_digest"] == phi.blind_index(
        "Mother Rosa Quintero called", "break_glass_reason"
    )

    # Key rotation finds and re-seals the reason like any other PHI field.
    settings.PHI_KEYS = [NEW_KEY, *settings.PHI_KEYS]
    call_command("rotate_phi_keys", stdout=io.StringIO())
    assert raw_row("triage_breakglassaccess", grant.pk)["reason"].startswith("phi1:k2:")
    assert type(grant).objects.get(pk=grant.pk).reason == "Mother Rosa Quintero called"
