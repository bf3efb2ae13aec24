"""Demo sign-in for the demo staff: a role, a known TOTP secret and a backup code.

Only for ``make demo``: the secrets are printed and derived from the username, so
they protect nothing. Refuses to run in production.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import BACKUP_DEVICE_NAME


def demo_staff_access(user, role: str) -> list[str]:
    """Give ``user`` the ``role`` group and a confirmed demo TOTP device; return the
    lines to print (secret, otpauth URL, one backup code)."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo sign-in secrets are never created in production.")
    user.groups.add(Group.objects.get(name=role))
    key = hashlib.sha256(f"triage-demo-totp:{user.username}".encode()).digest()[:20]
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": key.hex(), "confirmed": True}
    )
    backup, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    code = f"demo{user.username}"[:16].lower()
    StaticToken.objects.get_or_create(device=backup, token=code)
    return [
        f"      role {role}; TOTP secret {b32encode(key).decode()}; backup code {code}",
        f"      {device.config_url}",
    ]
