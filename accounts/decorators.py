"""View decorators for staff pages. Use ``@mfa_required`` on every console view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.roles import has_role
from accounts.urls_helpers import sign_in_response


def mfa_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Allow only signed-in users whose session passed the second factor.

    Anonymous users go to the sign-in page (with ``next``); signed-in users who have
    only given a password go to the code page, or to MFA setup when they have no
    confirmed device yet. htmx requests get a 401 with ``HX-Redirect`` so the whole
    page navigates instead of swapping the sign-in form into a fragment.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_verified():
            return view(request, *args, **kwargs)
        return sign_in_response(request)

    return wrapper


def role_required(*roles: str) -> Callable:
    """``@mfa_required`` plus: the user holds one of ``roles``, otherwise 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @mfa_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
