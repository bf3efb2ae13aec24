"""Write paths for staff sign-in state: MFA enrollment, verification, reset, unlock."""

from __future__ import annotations

import math

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class MfaThrottled(Exception):
    """Every device that could check the code is in its back-off after wrong codes.

    The code was not checked at all, so the sign-in page must say "wait", not "wrong":
    the right code typed too soon would otherwise be reported as not accepted.
    """

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


def has_confirmed_device(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


@transaction.atomic
def mfa_enrollment_start(*, user) -> TOTPDevice:
    """The user's pending (unconfirmed) TOTP device, created on first call.

    Re-using the pending device keeps the same secret when the setup page reloads.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def mfa_enrollment_confirm(*, user, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending TOTP device with a token from the app.

    Returns the device and ten fresh backup codes (to show once), or None when the
    token is wrong. Nothing changes on failure.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(_normalize(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, backup_codes_regenerate(user=user)


@transaction.atomic
def backup_codes_regenerate(*, user) -> list[str]:
    """Replace the user's backup codes with ten new single-use codes."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def mfa_verify(*, user, token: str) -> Device | None:
    """The confirmed device that accepts ``token`` (a TOTP or backup code), or None.

    Six digits are tried against TOTP devices only and anything else against backup
    codes only, so a backup code never counts as a failed TOTP attempt. Devices
    throttle repeated failures themselves (django-otp: 1, 2, 4 ... seconds after each
    wrong code). A device still in that back-off cannot check the code; when no device
    accepted it and one could not check it, ``MfaThrottled`` says how long to wait.
    """
    token = _normalize(token)
    if not token:
        return None
    wanted = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    waits: list[int] = []
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, wanted):
            with transaction.atomic():
                locked = type(device).objects.select_for_update().get(pk=device.pk)
                allowed, details = locked.verify_is_allowed()
                if not allowed:
                    waits.append(_seconds_until((details or {}).get("locked_until")))
                    continue
                if locked.verify_token(token):
                    return locked
    if waits:
        raise MfaThrottled(min(waits))
    return None


def _seconds_until(moment) -> int:
    if moment is None:
        return 1
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


@transaction.atomic
def mfa_reset(*, user) -> int:
    """Delete every OTP device of ``user``; the next sign-in must enroll again.

    Sessions verified by a deleted device stop counting as verified at once
    (OTPMiddleware no longer finds the device). Returns the number of devices removed.
    """
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


def user_unlock(*, username: str) -> int:
    """Lift django-axes locks for ``username`` from every address; returns locks removed."""
    return axes_reset(username=username)


def _normalize(token: str) -> str:
    return "".join((token or "").split()).lower()
