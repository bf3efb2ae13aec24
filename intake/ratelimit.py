"""Per-address sliding-window rate limit on the intake, kept in the Django cache.

Production points ``CACHE_URL`` at Redis so every web process shares the window; the
default local-memory cache limits per process, which is enough for the demo. When the
cache cannot be reached the limit lets the request through: a Redis outage must never
stop a patient (perhaps in crisis) from sending an intake (benchmarks/faults.py).
The address is ``lib.client_address``'s, the one lockouts and the audit trail use.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from lib.client_address import client_address

logger = logging.getLogger(__name__)


def _now() -> float:
    return time.time()


def hit(request: HttpRequest, scope: str = "intake") -> bool:
    """Count one request from this address; False when it is over the limit.

    The window is a list of timestamps (the last ``limit`` ones are enough). The
    address is hashed so the cache never holds it in clear.
    """
    limit = settings.INTAKE_RATE_LIMIT_POSTS
    window = settings.INTAKE_RATE_LIMIT_SECONDS
    # No usable address at all shares one window ("unknown") rather than skipping it.
    address = client_address(request) or "unknown"
    address = hashlib.sha256(address.encode()).hexdigest()[:32]
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
