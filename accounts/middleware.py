"""Staff session rules: idle logout, absolute lifetime, console access, headers."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware

from accounts.roles import CLINICAL_ROLES, user_roles
from accounts.urls_helpers import sign_in_response

# Requests carrying this header (value "1") are background polls, e.g. the console
# queue refreshing itself: they never count as activity, so an unattended screen
# still signs out after the idle timeout.
BACKGROUND_POLL_HEADER = "X-Background-Poll"
LAST_ACTIVITY_KEY = "accounts_last_activity"
SIGNED_IN_AT_KEY = "accounts_signed_in_at"

# URL namespaces of the clinical console: MFA and a clinical role, whatever the view.
CONSOLE_NAMESPACES = frozenset({"console"})
# Where config/urls.py mounts the console: every response under it is never cached.
CONSOLE_PATH_PREFIX = "/console/"

# Browser features the console never uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def _now() -> float:
    return time.time()


def is_background_poll(request: HttpRequest) -> bool:
    return request.headers.get(BACKGROUND_POLL_HEADER) == "1"


class SessionTimeoutMiddleware:
    """Signs staff out after ``SESSION_IDLE_TIMEOUT`` seconds without activity and
    ``SESSION_COOKIE_AGE`` seconds after sign-in, whatever the activity.

    Django refreshes a session's expiry each time it is saved, so the absolute
    lifetime is enforced here from the time the session was first seen signed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = _now()
        signed_in_at = session.get(SIGNED_IN_AT_KEY)
        last_activity = session.get(LAST_ACTIVITY_KEY)
        if signed_in_at is not None and now - signed_in_at >= settings.SESSION_COOKIE_AGE:
            self._sign_out(request, _("Your session reached its time limit. Please sign in again."))
            return
        if last_activity is not None and now - last_activity >= settings.SESSION_IDLE_TIMEOUT:
            self._sign_out(request, _("You were signed out after a period of inactivity."))
            return
        if signed_in_at is None:
            session[SIGNED_IN_AT_KEY] = now
        if last_activity is None or not is_background_poll(request):
            session[LAST_ACTIVITY_KEY] = now

    @staticmethod
    def _sign_out(request: HttpRequest, message: str) -> None:
        # The rest of the request runs as an anonymous user: protected views send
        # it to the sign-in page, where the message explains why.
        logout(request)
        OTPMiddleware._init_user_fields(request.user)  # is_verified() -> False
        messages.info(request, message)


class ConsoleAccessMiddleware:
    """Every console URL needs a verified (MFA) session and a clinical role.

    A safety net under ``@mfa_required``: a console view that forgets its decorator
    is still never reachable with a password alone, nor by administrators or
    auditors who hold no clinical role.

    Every console response (pages, htmx fragments, redirects, 403s and 404s alike)
    gets ``Cache-Control: no-store`` (with Django's other never-cache headers, as the
    admin has): the pages show PHI, and neither the browser's disk cache nor a
    shared proxy may keep a copy after the nurse signs out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._is_console(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _is_console(request: HttpRequest) -> bool:
        match = getattr(request, "resolver_match", None)
        in_namespace = match is not None and CONSOLE_NAMESPACES.intersection(match.namespaces)
        return bool(in_namespace) or request.path_info.startswith(CONSOLE_PATH_PREFIX)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not CONSOLE_NAMESPACES.intersection(match.namespaces):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_verified()):
            return sign_in_response(request)
        if not user_roles(user) & CLINICAL_ROLES:
            raise PermissionDenied
        return None


class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy`` (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
