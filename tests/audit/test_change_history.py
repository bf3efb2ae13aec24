"""django-auditlog keeps the change history of staff accounts, roles and teams."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Team
from accounts.roles import Role
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
