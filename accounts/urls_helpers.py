"""Where to send a user who is not (fully) signed in."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.roles import CLINICAL_ROLES, user_roles
from accounts.services import has_confirmed_device


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` when it is a safe local URL, else the user's landing page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return landing_url(request.user)


def landing_url(user) -> str:
    """Where a user lands after sign-in without a ``next``: the console for clinical
    staff, the admin for administrators and auditors."""
    if user.is_staff and not user_roles(user) & CLINICAL_ROLES:
        return reverse("admin:index")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_url(user, next_url: str) -> str:
    """The verify page, or MFA setup for a user without a confirmed device."""
    name = "accounts:verify" if has_confirmed_device(user) else "accounts:mfa_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def sign_in_response(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    """Send the request to whichever sign-in step it still needs."""
    is_htmx = bool(request.headers.get("HX-Request"))
    if next_url is None:
        # For htmx, come back to the page the fragment was on, not to the fragment.
        current = urlsplit(request.headers.get("HX-Current-URL", "")) if is_htmx else None
        if current and current.path:
            next_url = current.path + (f"?{current.query}" if current.query else "")
        else:
            next_url = request.get_full_path()
    if request.user.is_authenticated:
        target = second_factor_url(request.user, next_url)
    else:
        target = redirect_to_login(next_url)["Location"]
    if is_htmx:
        response = HttpResponse(status=401)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)
