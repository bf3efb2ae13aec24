"""Admin pages for users, roles and teams; MFA reset and unlock; no privilege escalation."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.approvals import access_change_approve
from accounts.models import AccessChangeRequest
from accounts.roles import Role
from accounts.services import backup_codes_regenerate
from tests.factories.accounts import (
    STAFF_PASSWORD,
    TeamFactory,
    UserFactory,
    confirmed_totp_device,
    login_verified,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_verified(client, make_staff(Role.ADMINISTRATOR))
    return client


def test_the_user_list_shows_roles_teams_mfa_and_lock_state(admin_client):
    team = TeamFactory(name="East Clinic")
    nurse = make_staff(Role.NURSE, team=team, username="nurse-east")
    confirmed_totp_device(nurse)

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "nurse-east"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "East Clinic" in html and ">nurse<" in html.replace("</td>", "<")
    assert response.context["cl"].result_count == 1


def test_users_can_be_filtered_by_role(admin_client):
    make_staff(Role.AUDITOR, username="only-auditor")
    make_staff(Role.NURSE, username="only-nurse")
    auditor_group = Group.objects.get(name="auditor")

    response = admin_client.get(
        reverse("admin:accounts_user_changelist"), {"groups__id__exact": auditor_group.pk}
    )

    names = [u.username for u in response.context["cl"].result_list]
    assert names == ["only-auditor"]


def test_approved_reset_mfa_deletes_devices_and_unverifies_sessions(admin_client, client_factory):
    nurse = make_staff(Role.NURSE, team=TeamFactory())
    nurse_client = client_factory()
    login_verified(nurse_client, nurse)
    backup_codes_regenerate(user=nurse)
    assert nurse_client.get("/console/").status_code == 200

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [nurse.pk]},
    )

    # It waits for a supervisor (accounts.approvals), then applies.
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=nurse).exists()
    change = AccessChangeRequest.objects.get(user=nurse, kind="mfa_reset")
    access_change_approve(change=change, decided_by=make_staff(Role.SUPERVISOR))
    assert not TOTPDevice.objects.filter(user=nurse).exists()
    assert not StaticDevice.objects.filter(user=nurse).exists()
    after = nurse_client.get("/console/")
    assert after["Location"].startswith(reverse("accounts:mfa_setup"))


def test_unlock_action_clears_the_lock(admin_client, client_factory, settings):
    nurse = make_staff(Role.NURSE)
    other = client_factory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        other.post(reverse("accounts:login"), {"username": nurse.username, "password": "nope"})
    locked = other.post(
        reverse("accounts:login"), {"username": nurse.username, "password": STAFF_PASSWORD}
    )
    assert locked.status_code == 429

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [nurse.pk]},
    )

    assert not AccessAttempt.objects.filter(username=nurse.username).exists()
    unlocked = other.post(
        reverse("accounts:login"), {"username": nurse.username, "password": STAFF_PASSWORD}
    )
    assert unlocked.status_code == 302


def test_failures_and_lockouts_are_listed_for_administrators(admin_client, client_factory):
    other = client_factory()
    other.post(reverse("accounts:login"), {"username": "someone", "password": "nope"})

    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    failures = admin_client.get(reverse("admin:axes_accessfailurelog_changelist"))

    assert attempts.context["cl"].result_count == 1
    assert failures.context["cl"].result_count == 1


def test_an_administrator_cannot_make_anyone_superuser_or_grant_direct_permissions(admin_client):
    nurse = make_staff(Role.NURSE)

    response = admin_client.get(reverse("admin:accounts_user_change", args=[nurse.pk]))

    form_fields = response.context["adminform"].form.fields
    assert "is_superuser" not in form_fields
    assert "user_permissions" not in form_fields
    assert "groups" in form_fields


def test_an_administrator_cannot_change_their_own_roles(client):
    administrator = make_staff(Role.ADMINISTRATOR)
    login_verified(client, administrator)
    nurse_group = Group.objects.get(name="nurse")

    page = client.get(reverse("admin:accounts_user_change", args=[administrator.pk]))
    assert "groups" not in page.context["adminform"].form.fields

    client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]),
        {"username": administrator.username, "groups": [nurse_group.pk]},
    )
    assert not administrator.groups.filter(name="nurse").exists()


def test_an_administrator_cannot_edit_a_superuser(admin_client):
    root = UserFactory(is_superuser=True, is_staff=True)

    response = admin_client.get(reverse("admin:accounts_user_change", args=[root.pk]))

    assert "is_superuser" not in response.context["adminform"].form.fields
    assert not response.context["has_change_permission"]
    password = admin_client.get(reverse("admin:auth_user_password_change", args=[root.pk]))
    assert password.status_code == 403


def test_an_administrator_cannot_change_what_a_role_may_do(admin_client):
    group = Group.objects.get(name="administrator")

    response = admin_client.get(reverse("admin:auth_group_change", args=[group.pk]))

    assert "permissions" not in response.context["adminform"].form.fields


def test_roles_list_shows_member_counts(admin_client):
    make_staff(Role.AUDITOR)

    response = admin_client.get(reverse("admin:auth_group_changelist"))

    assert response.status_code == 200
    assert {g.name for g in response.context["cl"].result_list} >= set(Role.values)


def test_teams_list_shows_supervisors(admin_client):
    team = TeamFactory(name="West Clinic")
    make_staff(Role.SUPERVISOR, team=team, first_name="Sam", last_name="Ward")

    response = admin_client.get(reverse("admin:accounts_team_changelist"))

    assert "Sam Ward" in response.content.decode()


def test_no_one_sees_an_authenticator_secret_in_the_admin(admin_client):
    device = confirmed_totp_device(make_staff(Role.NURSE))

    config = admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert config.status_code == 403
    assert device.key not in change.content.decode()


def test_admin_login_page_goes_through_staff_sign_in(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/accounts/user/"})

    assert response.status_code == 302
    assert response["Location"] == (f"{reverse('accounts:login')}?next=/admin/accounts/user/")


def test_a_verified_nurse_gets_403_from_the_admin_not_a_login_loop(client):
    login_verified(client, make_staff(Role.NURSE))

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
