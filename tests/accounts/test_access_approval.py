"""Admin changes that could open PHI wait for a supervisor (issue 16, finding 3)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.approvals import access_change_request
from accounts.models import AccessChangeRequest, TeamMembership, User
from accounts.roles import Role
from audit.models import AccessEvent
from tests.factories.accounts import (
    STAFF_PASSWORD,
    TeamFactory,
    confirmed_totp_device,
    current_totp,
    login_verified,
    make_staff,
    role_group,
)
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db

FIRST_PASSWORD = "first-chosen-password-71"
SECOND_PASSWORD = "second-chosen-password-83"
Kind = AccessChangeRequest.Kind


def _signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _change_user(admin_client, user, *, groups=(), teams=(), memberships=()):
    """POST the user's change page as the admin form would (roles and team rows)."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in groups],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "teammembership_set-TOTAL_FORMS": str(len(memberships) + len(teams)),
        "teammembership_set-INITIAL_FORMS": str(len(memberships)),
    }
    for i, membership in enumerate(memberships):
        data[f"teammembership_set-{i}-id"] = membership.pk
        data[f"teammembership_set-{i}-user"] = user.pk
        data[f"teammembership_set-{i}-team"] = membership.team_id
        if membership.is_supervisor:
            data[f"teammembership_set-{i}-is_supervisor"] = "on"
    for i, team in enumerate(teams, start=len(memberships)):
        data[f"teammembership_set-{i}-team"] = team.pk
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _sign_in_and_enroll(username: str, *passwords: str) -> Client:
    """What the administrator does next: sign in as the account (with whichever of the
    passwords they chose works) and set up an authenticator app."""
    client = Client()
    for password in passwords:
        login = client.post(reverse("accounts:login"), {"username": username, "password": password})
        if login.status_code == 302:
            break
    assert login.status_code == 302
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    client.post(reverse("accounts:mfa_setup"), {"token": current_totp(device)})
    return client


def _decide(client, change, decision):
    return client.post(
        reverse("console:access_request_decide", args=[change.pk]), {"decision": decision}
    )


def _events(step: str):
    return AccessEvent.objects.filter(
        object_type="accounts.accesschangerequest",
        details__security_event=f"access_change_{step}",
    )


def test_an_administrator_cannot_read_cases_through_an_account_they_control():
    team = TeamFactory(name="North Clinic")
    case = make_case(team=team)
    administrator = make_staff(Role.ADMINISTRATOR)
    admin_client = _signed_in(administrator)
    supervisor = make_staff(Role.SUPERVISOR, team=team)
    supervisor_client = _signed_in(supervisor)
    case_url = reverse("console:case", args=[case.pk])

    # The administrator makes a nurse account, gives it the role and the team, then
    # resets its MFA and sets a password of their choosing.
    created = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "new-nurse", "password1": FIRST_PASSWORD, "password2": FIRST_PASSWORD,
         "usable_password": "true", "teammembership_set-TOTAL_FORMS": "0",
         "teammembership_set-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert created.status_code == 302
    nurse = User.objects.get(username="new-nurse")
    changed = _change_user(admin_client, nurse, groups=[role_group(Role.NURSE)], teams=[team])
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [nurse.pk]},
    )
    password = admin_client.post(
        reverse("admin:auth_user_password_change", args=[nurse.pk]),
        {"password1": SECOND_PASSWORD, "password2": SECOND_PASSWORD, "usable_password": "true"},
    )

    # Signed in as the nurse, the administrator cannot read the case.
    as_nurse = _sign_in_and_enroll("new-nurse", SECOND_PASSWORD, FIRST_PASSWORD)
    assert as_nurse.get(case_url).status_code in (403, 404)

    # Nothing that opens PHI was applied, and the admin said so plainly.
    assert password.status_code == 302
    assert "awaits a supervisor" in admin_client.get(changed["Location"]).content.decode()
    assert not nurse.groups.exists()
    assert not TeamMembership.objects.filter(user=nurse).exists()
    nurse.refresh_from_db()
    assert nurse.check_password(FIRST_PASSWORD)
    pending = AccessChangeRequest.objects.filter(user=nurse, status="pending")
    assert set(pending.values_list("kind", flat=True)) == set(Kind.values)
    assert _events("requested").count() == 4

    # The administrator cannot approve their own requests.
    for change in pending:
        assert _decide(admin_client, change, "approve").status_code == 403
    assert not nurse.groups.exists()

    # The supervisor sees every request and approves them.
    page = supervisor_client.get(reverse("console:supervisor")).content.decode()
    assert "new-nurse" in page and "role nurse" in page and "team North Clinic" in page
    for change in list(pending):
        response = _decide(supervisor_client, change, "approve")
        assert response.status_code == 303
    assert not AccessChangeRequest.objects.filter(status="pending").exists()
    assert _events("approved").count() == 4

    # The MFA reset removed the device enrolled meanwhile and the password changed: the
    # old session is gone; with the new password and a new device, the nurse reads cases.
    assert as_nurse.get(case_url).status_code == 302
    assert not TOTPDevice.objects.filter(user=nurse, confirmed=True).exists()
    assert _sign_in_and_enroll("new-nurse", SECOND_PASSWORD).get(case_url).status_code == 200
    page = supervisor_client.get(reverse("console:supervisor")).content.decode()
    assert "No access changes are waiting for you." in page
    assert "approved by" in page


def test_a_supervisor_who_asked_cannot_approve_and_the_attempt_is_audited():
    team = TeamFactory()
    requester = make_staff(Role.SUPERVISOR, team=team, is_staff=True)
    requester.groups.add(role_group(Role.ADMINISTRATOR))
    nurse = make_staff(None)
    _change_user(_signed_in(requester), nurse, teams=[team])
    change = AccessChangeRequest.objects.get(user=nurse)

    response = _decide(_signed_in(requester), change, "approve")

    assert response.status_code == 404
    assert not TeamMembership.objects.filter(user=nurse).exists()
    assert _events("refused").get().actor == requester
    change.refresh_from_db()
    assert change.status == "pending"


def test_a_membership_is_decided_by_a_supervisor_of_that_team_only():
    team, other = TeamFactory(), TeamFactory()
    nurse = make_staff(Role.NURSE)
    change = access_change_request(
        kind=Kind.TEAM_MEMBERSHIP, user=nurse, team=team, requested_by=make_staff(None)
    )
    outsider = _signed_in(make_staff(Role.SUPERVISOR, team=other))

    assert _decide(outsider, change, "approve").status_code == 404
    assert "No access changes are waiting for you." in (
        outsider.get(reverse("console:supervisor")).content.decode()
    )
    assert (
        _decide(_signed_in(make_staff(Role.SUPERVISOR, team=team)), change, "approve").status_code
        == 303
    )
    assert TeamMembership.objects.filter(user=nurse, team=team).exists()


def test_a_supervisor_cannot_approve_a_change_to_their_own_account():
    team = TeamFactory()
    supervisor = make_staff(Role.SUPERVISOR, team=team)
    change = access_change_request(
        kind=Kind.MFA_RESET, user=supervisor, requested_by=make_staff(Role.ADMINISTRATOR)
    )
    confirmed_totp_device(supervisor)

    assert _decide(_signed_in(supervisor), change, "approve").status_code == 404
    assert TOTPDevice.objects.filter(user=supervisor).exists()


def test_rejecting_applies_nothing_and_is_audited():
    nurse = make_staff(None)
    administrator = make_staff(Role.ADMINISTRATOR)
    _change_user(_signed_in(administrator), nurse, groups=[role_group(Role.CLINICIAN)])
    change = AccessChangeRequest.objects.get(user=nurse)

    response = _decide(
        _signed_in(make_staff(Role.SUPERVISOR, team=TeamFactory())), change, "reject"
    )

    assert response.status_code == 303
    assert not nurse.groups.exists()
    change.refresh_from_db()
    assert change.status == "rejected" and change.decided_at is not None
    assert _events("rejected").count() == 1
    # A decided request cannot be decided again.
    later = _signed_in(make_staff(Role.SUPERVISOR, team=TeamFactory()))
    assert _decide(later, change, "approve").status_code == 404


def test_roles_without_phi_and_removals_apply_at_once():
    team = TeamFactory()
    nurse = make_staff(Role.NURSE, team=team)
    membership = TeamMembership.objects.get(user=nurse)
    admin_client = _signed_in(make_staff(Role.ADMINISTRATOR))

    _change_user(admin_client, nurse, groups=[role_group(Role.AUDITOR)])
    assert set(nurse.groups.values_list("name", flat=True)) == {"auditor"}

    data_without_team = {"teammembership_set-0-DELETE": "on"}
    joined = timezone.localtime(nurse.date_joined)
    admin_client.post(
        reverse("admin:accounts_user_change", args=[nurse.pk]),
        {"username": nurse.username, "is_active": "on",
         "date_joined_0": joined.strftime("%Y-%m-%d"), "date_joined_1": joined.strftime("%H:%M:%S"),
         "teammembership_set-TOTAL_FORMS": "1", "teammembership_set-INITIAL_FORMS": "1",
         "teammembership_set-0-id": membership.pk, "teammembership_set-0-user": nurse.pk,
         "teammembership_set-0-team": team.pk, **data_without_team},
    )  # fmt: skip
    assert not TeamMembership.objects.filter(user=nurse).exists()
    assert not AccessChangeRequest.objects.exists()


def test_making_a_member_a_team_supervisor_waits_for_approval():
    team = TeamFactory()
    member = make_staff(Role.SUPERVISOR)
    membership = TeamMembership.objects.create(user=member, team=team)
    membership.is_supervisor = True  # what the form will ask for

    _change_user(_signed_in(make_staff(Role.ADMINISTRATOR)), member, memberships=[membership])

    membership.refresh_from_db()
    assert not membership.is_supervisor
    change = AccessChangeRequest.objects.get(user=member)
    assert change.is_supervisor and change.team == team


def test_adding_members_on_the_team_page_waits_for_approval():
    team = TeamFactory()
    nurse = make_staff(Role.NURSE)
    response = _signed_in(make_staff(Role.ADMINISTRATOR)).post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {"name": team.name, "slug": team.slug, "time_zone": team.time_zone, "is_active": "on",
         "teammembership_set-TOTAL_FORMS": "1", "teammembership_set-INITIAL_FORMS": "0",
         "teammembership_set-0-user": nurse.pk},
    )  # fmt: skip

    assert response.status_code == 302
    assert not TeamMembership.objects.filter(user=nurse).exists()
    assert AccessChangeRequest.objects.get(user=nurse).team == team


def test_authenticator_devices_cannot_be_deleted_or_added_in_the_admin():
    nurse = make_staff(Role.NURSE)
    device = confirmed_totp_device(nurse)
    StaticDevice.objects.create(user=nurse, name="Backup codes")
    root = make_staff(None, is_staff=True, is_superuser=True)

    for client in (_signed_in(make_staff(Role.ADMINISTRATOR)), _signed_in(root)):
        deleted = client.post(
            reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
        )
        bulk = client.post(
            reverse("admin:otp_static_staticdevice_changelist"),
            {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
        )
        added = client.get(reverse("admin:otp_static_staticdevice_add"))
        assert deleted.status_code == 403 and added.status_code == 403
        assert bulk.status_code in (200, 302, 403)
    assert TOTPDevice.objects.filter(user=nurse).exists()
    assert StaticDevice.objects.filter(user=nurse).exists()


def test_an_administrator_still_sets_their_own_password_and_resets_their_own_mfa():
    administrator = make_staff(Role.ADMINISTRATOR)
    client = _signed_in(administrator)

    client.post(
        reverse("admin:auth_user_password_change", args=[administrator.pk]),
        {"password1": SECOND_PASSWORD, "password2": SECOND_PASSWORD, "usable_password": "true"},
    )

    administrator.refresh_from_db()
    assert administrator.check_password(SECOND_PASSWORD)
    assert not administrator.check_password(STAFF_PASSWORD)
    assert not AccessChangeRequest.objects.exists()


def test_the_request_list_in_the_admin_is_read_only():
    administrator = make_staff(Role.ADMINISTRATOR)
    change = access_change_request(
        kind=Kind.ROLE_GRANT,
        user=make_staff(None),
        group=Group.objects.get(name="nurse"),
        requested_by=administrator,
    )
    client = _signed_in(administrator)

    listing = client.get(reverse("admin:accounts_accesschangerequest_changelist"))
    detail = client.get(reverse("admin:accounts_accesschangerequest_change", args=[change.pk]))
    edit = client.post(reverse("admin:accounts_accesschangerequest_change", args=[change.pk]), {})

    assert listing.status_code == 200 and "role nurse" in listing.content.decode()
    assert detail.status_code == 200 and edit.status_code == 403


def test_a_superuser_cannot_grant_phi_as_a_direct_permission():
    from django.contrib.auth.models import Permission

    nurse = make_staff(None)
    root = make_staff(None, is_staff=True, is_superuser=True)
    read_phi = Permission.objects.get(content_type__app_label="accounts", codename="read_phi")
    joined = timezone.localtime(nurse.date_joined)

    response = _signed_in(root).post(
        reverse("admin:accounts_user_change", args=[nurse.pk]),
        {"username": nurse.username, "is_active": "on", "user_permissions": [read_phi.pk],
         "date_joined_0": joined.strftime("%Y-%m-%d"), "date_joined_1": joined.strftime("%H:%M:%S"),
         "teammembership_set-TOTAL_FORMS": "0", "teammembership_set-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code == 302
    assert not nurse.user_permissions.exists()
