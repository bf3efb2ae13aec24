"""Signed HTTP webhook: a JSON POST an SMS or voice gateway or a chat tool can receive.

Headers: ``X-Paging-Timestamp`` (Unix seconds), ``X-Paging-Signature``
(``v1=`` + hex HMAC-SHA256 of ``"<timestamp>." + body`` with PAGING_WEBHOOK_SECRET)
and ``Idempotency-Key`` (the same for every retry of one notification, so a receiver
can drop a repeat after a worker died mid-request).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings

from paging.channels import DeliveryError, Message


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """For receivers: constant-time check of the signature and of the timestamp's age."""
    try:
        age = abs(time.time() - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= tolerance and hmac.compare_digest(signature(secret, timestamp, body), header)


def deliver(message: Message) -> str:
    body = json.dumps(message.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - URL from an admin-managed endpoint
        message.address,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "triage-console-paging/1",
            "X-Paging-Timestamp": timestamp,
            "X-Paging-Signature": signature(settings.PAGING_WEBHOOK_SECRET, timestamp, body),
            "Idempotency-Key": message.attempt_key,
            "X-Paging-Attempt": str(message.attempt),
        },
    )
    if not message.address.startswith(("http://", "https://")):
        raise DeliveryError("webhook: only http(s) URLs")
    try:
        # Bandit B310: only http(s) URLs get here (checked just above).
        with urllib.request.urlopen(  # noqa: S310  # nosec B310
            request, timeout=settings.PAGING_WEBHOOK_TIMEOUT
        ) as response:
            reply = response.read(4096)
            provider_id = response.headers.get("X-Message-Id", "")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"webhook: {type(exc).__name__}: {exc}"[:400]) from exc
    if not provider_id and reply:
        try:
            provider_id = str(json.loads(reply).get("id", ""))
        except (ValueError, AttributeError):
            provider_id = ""
    return provider_id[:200]
