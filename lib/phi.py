"""Field-level encryption of PHI at rest, and the HMAC blind index.

Each value is sealed with AES-256-GCM under the first key of ``settings.PHI_KEYS``;
the associated data names the table, the row and the column, so a ciphertext copied
to another row or column fails to open. The key id travels in the value
(``phi1:<keyid>:<base64 nonce+ciphertext>``), so keys can be rotated without
downtime: add a new key at the front, run ``manage.py rotate_phi_keys``, then drop
the old key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "phi1"
NONCE_BYTES = 12


class PHIDecryptionError(Exception):
    """A sealed value could not be opened: unknown key, wrong row, or tampered."""


@lru_cache(maxsize=8)
def _parse_keys(raw: tuple[str, ...]) -> dict[str, AESGCM]:
    keys: dict[str, AESGCM] = {}
    for entry in raw:
        key_id, sep, encoded = entry.strip().partition(":")
        if not sep or not key_id or not key_id.isalnum():
            raise ImproperlyConfigured(
                "PHI_KEYS entries must look like 'keyid:base64key' with an alphanumeric id."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"PHI_KEYS key {key_id!r} is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"PHI_KEYS key {key_id!r} must be 32 bytes (AES-256).")
        keys[key_id] = AESGCM(key)
    if not keys:
        raise ImproperlyConfigured("PHI_KEYS must hold at least one key.")
    return keys


def keyring() -> dict[str, AESGCM]:
    """Keys by id; the first one encrypts."""
    return _parse_keys(tuple(settings.PHI_KEYS))


def active_key_id() -> str:
    return next(iter(keyring()))


def seal(plaintext: str, aad: bytes) -> str:
    key_id = active_key_id()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = keyring()[key_id].encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ciphertext).decode('ascii')}"


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def open_sealed(token: str, aad: bytes) -> str:
    try:
        prefix, key_id, payload = token.split(":", 2)
        raw = base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise PHIDecryptionError("Malformed sealed value.") from exc
    if prefix != PREFIX:
        raise PHIDecryptionError("Unknown sealed value format.")
    key = keyring().get(key_id)
    if key is None:
        raise PHIDecryptionError(f"No PHI key with id {key_id!r} is configured.")
    try:
        return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode("utf-8")
    except InvalidTag as exc:
        raise PHIDecryptionError(
            "Sealed value does not belong to this row or was altered."
        ) from exc


def normalize_for_index(value: str, kind: str) -> str:
    value = unicodedata.normalize("NFKC", value).strip().casefold()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        # A US number written with or without the country code is the same number.
        return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    return value


def blind_index(value: str, kind: str) -> str:
    """HMAC of a normalized value: finds a returning patient without storing plaintext."""
    normalized = normalize_for_index(value, kind)
    if not normalized:
        return ""
    key = base64.b64decode(settings.PHI_INDEX_KEY)
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()
