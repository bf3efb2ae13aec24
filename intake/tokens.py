"""The private status link: an unguessable token of which only a SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from intake.models import Intake

# secrets.token_urlsafe(32) gives 43 characters; anything else is not ours.
TOKEN_LENGTH = 43


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue(intake: Intake) -> str:
    """Set a fresh token on ``intake`` (the caller saves) and return it, once."""
    token = secrets.token_urlsafe(32)
    intake.status_token_hash = digest(token)
    intake.status_token_expires_at = timezone.now() + timedelta(days=settings.STATUS_LINK_DAYS)
    intake.status_token_revoked_at = None
    return token


def lookup(token: str) -> tuple[Intake | None, str]:
    """(intake, "") for a working link, else (None, "unknown" | "expired" | "revoked")."""
    if len(token) != TOKEN_LENGTH:
        return None, "unknown"
    intake = Intake.objects.filter(status_token_hash=digest(token)).first()
    if intake is None:
        return None, "unknown"
    if intake.status_token_revoked_at is not None:
        return None, "revoked"
    if intake.status_token_expires_at is None or intake.status_token_expires_at <= timezone.now():
        return None, "expired"
    return intake, ""
