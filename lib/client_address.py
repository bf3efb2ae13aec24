"""The client's address and request id, decided once for every use.

The intake rate limit, the sign-in lockout (django-axes, through
``AXES_CLIENT_IP_CALLABLE``) and the audit trail all call ``client_address``, so a
client cannot be one address to the lockout and another to the rate limit.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address, or None when it is not exactly one."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A scope id (fe80::1%eth0) is no client's address, and the audit column refuses it.
    if getattr(address, "scope_id", None):
        return None
    return str(address)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request``, or None when there is none.

    ``TRUSTED_PROXY_COUNT`` says how many proxies stand in front of the web process.
    With 0 (the default) the client is the TCP peer, ``REMOTE_ADDR``, and
    ``X-Forwarded-For`` is ignored: anyone can write that header. With N, each of the N
    proxies appended the address it received the request from, so the N-th entry from
    the right of ``X-Forwarded-For`` is the client as the outermost proxy saw it.
    Everything further left was written by the client and is never read, not even to
    check it: a forged entry there must neither pick the address nor make us fall
    back. When the chain has fewer than N entries, or one of the right-most N is not an
    address, the request did not come through the proxies as configured, and
    ``REMOTE_ADDR`` is used instead.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    # Several X-Forwarded-For headers reach WSGI joined with commas: one chain.
    chain = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(chain) < count:
        return remote
    trusted = [_address(entry) for entry in chain[-count:]]
    if None in trusted:
        return remote
    return trusted[0]


def trusts_proxy_headers() -> bool:
    """True when a proxy we trust stands in front and may set headers such as X-Request-ID."""
    return settings.TRUSTED_PROXY_COUNT > 0
