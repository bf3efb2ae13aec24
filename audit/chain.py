"""Canonical serialization and hashing of access events (the hash chain).

hash = SHA-256 over the UTF-8 of a JSON object with sorted keys and no spaces,
holding the event's content and the previous event's hash. The actor foreign key
is left out on purpose: Django's SET_NULL clears it when an account is deleted,
while the copied username and role, which are hashed, stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

CHAIN_VERSION = 1

HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_username",
    "actor_role",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "patient_ref",
    "reason",
    "client_address",
    "user_agent",
    "request_id",
    "path",
    "details",
)


def normalize_details(details: dict | None) -> dict:
    """A JSON round trip, so the stored value and the hashed value are the same."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder, sort_keys=True))


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_bytes(content: dict[str, Any], prev_hash: str) -> bytes:
    payload = {name: content[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = _timestamp(payload["occurred_at"])
    payload["client_address"] = payload["client_address"] or ""
    payload["prev_hash"] = prev_hash
    payload["v"] = CHAIN_VERSION
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(content: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical_bytes(content, prev_hash)).hexdigest()


def event_hash(event) -> str:
    """The hash an AccessEvent row should carry, recomputed from its columns."""
    content = {name: getattr(event, name) for name in HASHED_FIELDS}
    return compute_hash(content, event.prev_hash)
