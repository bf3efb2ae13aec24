import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.decorators import mfa_required, role_required
from accounts.roles import Role
from tests.factories.accounts import confirmed_totp_device, make_staff

pytestmark = pytest.mark.django_db


@mfa_required
def protected(request):
    return HttpResponse("secret")


@role_required(Role.SUPERVISOR)
def supervisors_only(request):
    return HttpResponse("reports")


def request_as(user, verified=False, **headers):
    request = RequestFactory().get("/console/cases/7/?tab=notes", headers=headers)
    request.user = user
    user.is_verified = lambda: verified
    return request


def test_anonymous_goes_to_sign_in_with_next():
    response = protected(request_as(AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('accounts:login')}?next=/console/cases/7/%3Ftab%3Dnotes"
    )


def test_password_only_with_a_device_goes_to_the_code_page():
    nurse = make_staff(Role.NURSE)
    confirmed_totp_device(nurse)

    response = protected(request_as(nurse))

    assert response["Location"].startswith(reverse("accounts:verify") + "?next=")


def test_password_only_without_a_device_goes_to_setup():
    response = protected(request_as(make_staff(Role.NURSE)))

    assert response["Location"].startswith(reverse("accounts:mfa_setup") + "?next=")


def test_a_verified_user_gets_the_view():
    assert protected(request_as(make_staff(Role.NURSE), verified=True)).content == b"secret"


def test_htmx_gets_401_and_a_full_page_redirect_back_to_the_page():
    request = request_as(
        AnonymousUser(), HX_Request="true", HX_Current_URL="http://testserver/console/?q=1"
    )

    response = protected(request)

    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next=/console/%3Fq%3D1"


def test_role_required_refuses_other_roles_with_403():
    with pytest.raises(PermissionDenied):
        supervisors_only(request_as(make_staff(Role.NURSE), verified=True))

    assert supervisors_only(request_as(make_staff(Role.SUPERVISOR), verified=True)).content == (
        b"reports"
    )


def test_role_required_still_requires_mfa():
    response = supervisors_only(request_as(make_staff(Role.SUPERVISOR)))

    assert response.status_code == 302
