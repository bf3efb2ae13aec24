"""django-auditlog keeps the change history of staff accounts, roles and teams."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Team
from accounts.roles import Role
from audit.models import AccessEvent
from tests.factories.accounts import TeamFactory, UserFactory, login_verified, make_staff

pytestmark = pytest.mark.django_db


def test_role_changes_of_a_user_are_recorded():
    user = UserFactory()

    user.groups.add(Group.objects.get(name=Role.SUPERVISOR))

    entry = LogEntry.objects.get_for_object(user).filter(changes__groups__isnull=False).get()
    assert entry.changes["groups"]["objects"] == ["supervisor"]


def test_passwords_never_reach_the_change_history():
    user = UserFactory()

    user.set_password("another-long-password-1")
    user.save()

    assert not LogEntry.objects.filter(changes_text__contains="pbkdf2").exists()
    for entry in LogEntry.objects.get_for_object(user):
        assert "password" not in (entry.changes or {})


def test_a_change_made_in_the_admin_names_the_acting_user(client):
    admin_user = make_staff(Role.ADMINISTRATOR, username="admin.ana")
    login_verified(client, admin_user)
    team = TeamFactory(name="North")

    client.post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {
            "name": "North clinic",
            "slug": team.slug,
            "time_zone": team.time_zone,
            "is_active": "on",
            "teammembership_set-TOTAL_FORMS": "0",
            "teammembership_set-INITIAL_FORMS": "0",
        },
    )

    assert Team.objects.get(pk=team.pk).name == "North clinic"
    entry = LogEntry.objects.get_for_object(team).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == admin_user
    assert entry.changes["name"] == ["North", "North clinic"]


def test_group_permission_changes_are_recorded():
    group = Group.objects.create(name="temporary")

    group.permissions.add(*list(group.permissions.model.objects.all()[:1]))

    assert LogEntry.objects.get_for_object(group).count() >= 2


# ---- entries about patients (issue 16, finding 4) ----

RULE_ID = "en.suicide.ideation.kill_self"


def _crisis_signal_entry():
    from cases.models import CrisisSignal
    from tests.factories.paging import make_crisis_case

    case, _ = make_crisis_case(n_signals=0)
    signal = CrisisSignal.objects.create(
        case=case, source="intake_text", source_id="1", category="suicide", severity="high",
        rule_id=RULE_ID,
    )  # fmt: skip
    return case, LogEntry.objects.get_for_object(signal).get()


def _intake_entry():
    from tests.factories.cases import make_intake

    intake = make_intake(age_band="65-74", gender="two-spirit", preferred_language="Tagalog")
    return intake, LogEntry.objects.get_for_object(intake).get()


def _change(client, entry):
    return client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))


def test_an_auditor_sees_who_changed_a_patient_record_but_not_its_values(client):
    _case, signal_entry = _crisis_signal_entry()
    _intake, intake_entry = _intake_entry()
    team_entry = LogEntry.objects.get_for_object(TeamFactory(name="Harbour")).first()
    login_verified(client, make_staff(Role.AUDITOR, username="aud.it"))

    signal_page = _change(client, signal_entry).content.decode()
    intake_page = _change(client, intake_entry).content.decode()
    history = client.get(
        reverse("admin:auditlog_logentry_history", args=[signal_entry.pk])
    ).content.decode()
    listing = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()

    assert RULE_ID not in signal_page + history + listing
    for value in ("65-74", "two-spirit", "Tagalog"):
        assert value not in intake_page + listing
    assert "hidden: clinical record" in signal_page and "crisis signal" in signal_page
    assert "Harbour" in _change(client, team_entry).content.decode()  # accounts stay readable
    assert not AccessEvent.objects.exists()  # nothing clinical was read


def test_an_auditor_cannot_find_patient_entries_by_what_they_say(client):
    _crisis_signal_entry()
    login_verified(client, make_staff(Role.AUDITOR, username="aud.it"))

    response = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": "kill_self"})

    assert response.context["cl"].result_count == 0


def test_a_superuser_without_a_clinical_role_sees_the_values_hidden(client):
    _case, entry = _crisis_signal_entry()
    login_verified(client, make_staff(None, username="root", is_superuser=True, is_staff=True))

    assert RULE_ID not in _change(client, entry).content.decode()


def test_a_phi_reader_sees_patient_entries_and_each_read_is_an_access_event(client):
    case, entry = _crisis_signal_entry()
    reader = make_staff(Role.SUPERVISOR, username="sup.root", is_superuser=True, is_staff=True)
    login_verified(client, reader)

    page = _change(client, entry)
    listing = client.get(reverse("admin:auditlog_logentry_changelist"))

    assert RULE_ID in page.content.decode() and RULE_ID in listing.content.decode()
    view = AccessEvent.objects.get(action=AccessEvent.Action.VIEW)
    assert (view.actor, view.object_type, view.object_id, view.patient_ref) == (
        reader, "cases.crisissignal", entry.object_pk, case.reference,
    )  # fmt: skip
    assert view.details["log_entry"] == entry.pk
    listed = AccessEvent.objects.get(action=AccessEvent.Action.LIST)
    assert listed.object_type == "auditlog.logentry"
    assert entry.pk in listed.details["clinical_entries"]


def test_a_phi_read_of_the_change_history_that_cannot_be_audited_is_not_served(
    client, audit_writes_fail
):
    _case, entry = _crisis_signal_entry()
    login_verified(
        client, make_staff(Role.SUPERVISOR, username="sup.root", is_superuser=True, is_staff=True)
    )

    response = _change(client, entry)

    assert response.status_code == 503
    assert RULE_ID not in response.content.decode()
