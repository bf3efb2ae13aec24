import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission

from accounts.roles import (
    Role,
    can_read_phi,
    grant_permissions,
    has_role,
    role_label_for_audit,
    user_roles,
    visible_team_ids,
)
from tests.factories.accounts import TeamFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db


def perms_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_the_migration_creates_exactly_the_five_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert len(Role.values) == 5


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            "nurse",
            {"read_phi", "work_cases", "override_triage"},
            {"confirm_override", "break_glass", "manage_users"},
        ),
        (
            "clinician",
            {"read_phi", "work_cases", "override_triage", "confirm_override", "break_glass"},
            {"manage_oncall", "manage_users", "approve_triage_script"},
        ),
        (
            "supervisor",
            {"read_phi", "break_glass", "manage_oncall", "view_reports", "approve_triage_script"},
            {"manage_users", "edit_triage_script", "read_audit_trail"},
        ),
        (
            "administrator",
            {"manage_users", "edit_triage_script", "manage_oncall"},
            {"read_phi", "work_cases", "approve_triage_script", "read_audit_trail"},
        ),
        (
            "auditor",
            {"read_audit_trail"},
            {"read_phi", "work_cases", "manage_users", "view_reports", "edit_triage_script"},
        ),
    ],
)
def test_each_role_has_its_permissions_and_not_others(role, allowed, denied):
    granted = perms_of(role)

    assert {f"accounts.{c}" for c in allowed} <= granted
    assert not {f"accounts.{c}" for c in denied} & granted


def test_administrators_manage_accounts_in_the_admin_but_auditors_do_not():
    assert {"accounts.change_user", "auth.change_group", "axes.delete_accessattempt"} <= (
        perms_of("administrator")
    )
    assert not any(p.startswith(("accounts.change", "axes.")) for p in perms_of("auditor"))


def test_has_perm_follows_the_group():
    nurse = make_staff(Role.NURSE)

    assert nurse.has_perm("accounts.read_phi")
    assert not nurse.has_perm("accounts.confirm_override")


def test_grant_permissions_creates_missing_permission_rows_like_django():
    Permission.objects.filter(content_type__app_label="accounts", codename="view_team").delete()

    grant_permissions(global_apps, "auditor", ["accounts.view_team"])

    permission = Permission.objects.get(content_type__app_label="accounts", codename="view_team")
    assert permission.name == "Can view team"
    assert "accounts.view_team" in perms_of("auditor")


def test_grant_permissions_refuses_an_unknown_codename():
    with pytest.raises(LookupError, match="no_such_thing"):
        grant_permissions(global_apps, "nurse", ["accounts.no_such_thing"])


def test_user_roles_and_audit_label_list_roles_in_a_fixed_order():
    user = make_staff(Role.SUPERVISOR)
    user.groups.add(Group.objects.get(name="nurse"), Group.objects.create(name="book club"))

    assert user_roles(user) == {"nurse", "supervisor"}
    assert role_label_for_audit(user) == "nurse,supervisor"
    assert has_role(user, Role.NURSE, Role.AUDITOR)
    assert not has_role(user, Role.AUDITOR)


def test_an_inactive_user_has_no_roles():
    user = make_staff(Role.NURSE, is_active=False)

    assert user_roles(user) == frozenset()
    assert not can_read_phi(user)


def test_a_nurse_sees_only_her_teams():
    north, south, _east = TeamFactory(), TeamFactory(), TeamFactory()
    nurse = make_staff(Role.NURSE, team=north)
    nurse.teams.add(south)

    assert visible_team_ids(nurse) == {north.pk, south.pk}


def test_a_supervisor_sees_supervised_and_own_teams_only():
    north, south, east = TeamFactory(), TeamFactory(), TeamFactory()
    supervisor = make_staff(Role.SUPERVISOR, team=north)
    supervisor.teams.add(south)

    assert visible_team_ids(supervisor) == {north.pk, south.pk}
    assert east.pk not in visible_team_ids(supervisor)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR, None])
def test_non_clinical_staff_see_no_team_even_as_members(role):
    team = TeamFactory()
    user = make_staff(role, team=team)

    assert visible_team_ids(user) == set()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.NURSE, True),
        (Role.CLINICIAN, True),
        (Role.SUPERVISOR, True),
        (Role.ADMINISTRATOR, False),
        (Role.AUDITOR, False),
    ],
)
def test_can_read_phi_by_role(role, expected):
    assert can_read_phi(make_staff(role)) is expected


def test_a_superuser_without_a_clinical_role_cannot_read_phi():
    user = UserFactory(is_superuser=True, is_staff=True)

    assert user.has_perm("accounts.read_phi")
    assert not can_read_phi(user)


def test_an_anonymous_user_has_nothing():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert user_roles(anonymous) == frozenset()
    assert visible_team_ids(anonymous) == set()
    assert not can_read_phi(anonymous)


def test_make_staff_restores_role_groups_removed_by_a_flush():
    Group.objects.all().delete()

    nurse = make_staff(Role.NURSE)

    assert nurse.has_perm("accounts.read_phi")
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
