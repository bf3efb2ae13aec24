"""Sign-in views: password (axes-aware), second factor, MFA setup, backup codes."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from accounts.decorators import mfa_required
from accounts.forms import SetupTokenForm, StaffAuthenticationForm, TokenForm
from accounts.services import (
    MfaThrottled,
    backup_codes_regenerate,
    has_confirmed_device,
    mfa_enrollment_confirm,
    mfa_enrollment_start,
    mfa_verify,
)
from accounts.urls_helpers import landing_url, safe_next, second_factor_url

# Fresh backup codes wait here between the POST that made them and the page that
# shows them once.
FRESH_CODES_SESSION_KEY = "accounts_fresh_backup_codes"


class StaffLoginView(LoginView):
    """Username and password, then on to the second factor.

    Django's AuthenticationForm passes the request to ``authenticate()``, so
    django-axes sees every attempt; ``login()`` gives the session a new key.
    """

    template_name = "accounts/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        user = self.request.user
        next_url = self.get_redirect_url() or landing_url(user)
        # Right after a password login the user has no verified device yet.
        if getattr(user, "is_verified", None) and user.is_verified():
            return next_url
        return second_factor_url(user, next_url)


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _verified(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # The session gained privileges: give it a new key.
    request.session.cycle_key()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not has_confirmed_device(request.user):
        return redirect(second_factor_url(request.user, next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa_verify(user=request.user, token=form.cleaned_data["token"])
        except MfaThrottled as exc:
            form.add_error("token", _wait_message(exc.wait_seconds))
        else:
            if device is not None:
                _verified(request, device)
                return redirect(next_url)
            form.add_error(
                "token",
                _(
                    "That code was not accepted. Enter the current code from your app or"
                    " an unused backup code. After several wrong codes, wait a little"
                    " before trying again."
                ),
            )
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})


def _wait_message(seconds: int) -> str:
    # Two plain strings rather than ngettext: locale/build.py fills singular strings
    # only, and English and Spanish both use the singular for 1 alone.
    if seconds == 1:
        return _("Too many wrong codes in a row. Wait 1 second, then enter the current code.")
    return _(
        "Too many wrong codes in a row. Wait %(seconds)s seconds, then enter the current code."
    ) % {"seconds": seconds}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """First-time (or after a reset) authenticator setup.

    Only a user with no confirmed device may enroll; anyone else must verify first,
    so a stolen password alone never lets someone add their own authenticator.
    """
    next_url = _next(request)
    if request.user.is_verified():
        return redirect(next_url)
    if has_confirmed_device(request.user):
        return redirect(second_factor_url(request.user, next_url))
    device = mfa_enrollment_start(user=request.user)
    form = SetupTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = mfa_enrollment_confirm(user=request.user, token=form.cleaned_data["token"])
        if result is not None:
            confirmed, codes = result
            _verified(request, confirmed)
            request.session[FRESH_CODES_SESSION_KEY] = codes
            return redirect(f"{resolve_url('accounts:backup_codes')}?{_query(next_url)}")
        form.add_error(
            "token",
            _("That code did not match. Check the time on your phone and enter the new code."),
        )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/mfa_setup.html", context)


@never_cache
@mfa_required
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Shows new backup codes once; a POST replaces all codes with ten new ones."""
    next_url = _next(request)
    if request.method == "POST":
        request.session[FRESH_CODES_SESSION_KEY] = backup_codes_regenerate(user=request.user)
        return redirect(f"{resolve_url('accounts:backup_codes')}?{_query(next_url)}")
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    remaining = StaticToken.objects.filter(device__user=request.user).count()
    context = {"codes": codes, "remaining": remaining, "next": next_url}
    return render(request, "accounts/backup_codes.html", context)


@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: a request that counts as activity, nothing else."""
    if request.user.is_authenticated and request.user.is_verified():
        return HttpResponse(status=204)
    return HttpResponse(status=401)


def _query(next_url: str) -> str:
    return urlencode({"next": next_url})
