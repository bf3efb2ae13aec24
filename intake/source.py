"""Where an intake comes from, so a flood of crisis pages from one source is grouped.

Keys are hashed with the blind-index key, never stored in clear: the client address
(``lib.client_address``, as for the rate limit, axes and audit) and a random device
id kept in a signed cookie set by the intake pages. ``intake.submission`` adds the
blind index of the phone and e-mail. The paging app groups on them
(``paging.services.grouping``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from lib import phi
from lib.client_address import client_address

DEVICE_COOKIE = "intake_device"
_DEVICE_SALT = "triage.intake.device"  # its pre-relayout name: keys stay comparable
# Long enough to span one person's visits in a day; the grouping window is minutes.
DEVICE_MAX_AGE = 24 * 60 * 60


def device_id(request: HttpRequest) -> str:
    try:
        return request.get_signed_cookie(DEVICE_COOKIE, salt=_DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return ""


def remember_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give this browser a device id (once); no PHI, random, signed."""
    if not device_id(request):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            salt=_DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def request_keys(request: HttpRequest) -> tuple[str, ...]:
    """The hashed address and device of this request, as grouping keys."""
    keys = []
    address = client_address(request)
    if address:
        keys.append(f"address:{phi.blind_index(str(address), 'address')}")
    device = device_id(request)
    if device:
        keys.append(f"device:{phi.blind_index(device, 'device')}")
    return tuple(keys)
