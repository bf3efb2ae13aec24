"""Per-address sliding-window rate limit on the intake, kept in the Django cache.

Production points ``CACHE_URL`` at Redis so every web process shares the window; the
default local-memory cache limits per process, which is enough for the demo. When the
cache cannot be reached the limit lets the request through: a Redis outage must never
stop a patient (perhaps in crisis) from sending an intake (benchmarks/faults.py).
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client address, read from the same META keys as the sign-in lockout."""
    for key in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]):
        value = request.META.get(key, "")
        if value:
            # X-Forwarded-For may list several hops; the first is the client.
            return value.split(",")[0].strip()
    return "unknown"


def _now() -> float:
    return time.time()


def hit(request: HttpRequest, scope: str = "intake") -> bool:
    """Count one request from this address; False when it is over the limit.

    The window is a list of timestamps (the last ``limit`` ones are enough). The
    address is hashed so the cache never holds it in clear.
    """
    limit = settings.INTAKE_RATE_LIMIT_POSTS
    window = settings.INTAKE_RATE_LIMIT_SECONDS
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{address}"
    now = _now()
    try:
        recent = [t for t in cache.get(key, []) if now - t < window]
        if len(recent) >= limit:
            cache.set(key, recent, timeout=window)
            return False
        recent.append(now)
        cache.set(key, recent[-limit:], timeout=window)
    except Exception as exc:  # any cache backend error: fail open, never block a patient
        logger.warning("intake rate limit skipped: cache unavailable (%s)", type(exc).__name__)
    return True
