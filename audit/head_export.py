"""Export of the chain head to a place the database cannot rewrite (a file or a URL)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from audit.services import chain_head


def current_head() -> dict:
    sequence, head_hash = chain_head()
    return {"sequence": sequence, "hash": head_hash, "exported_at": timezone.now().isoformat()}


def export_head(destination: str | None = None) -> dict:
    """Append the head as a JSON line to a file, or POST it as JSON to an https URL."""
    destination = settings.AUDIT_HEAD_EXPORT if destination is None else destination
    head = current_head()
    if not destination:
        return head
    body = json.dumps(head, sort_keys=True)
    if destination.startswith("https://") or (
        destination.startswith("http://") and settings.TRIAGE_ENV != "production"
    ):
        request = urllib.request.Request(  # noqa: S310 - scheme checked just above
            destination,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        # Bandit B310: the scheme is checked above (https, or http outside production).
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            if response.status >= 300:
                raise OSError(f"head export answered {response.status}")
        return head
    if "://" in destination:
        raise ImproperlyConfigured("AUDIT_HEAD_EXPORT must be a file path or an https:// URL.")
    path = Path(destination)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(body + "\n")
    return head


def last_exported_head(path: str | None = None) -> dict | None:
    """The last head in the export file (None for a URL, no file, or an empty file)."""
    destination = settings.AUDIT_HEAD_EXPORT if path is None else path
    if not destination or "://" in destination or not Path(destination).exists():
        return None
    last = None
    with Path(destination).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                last = line
    return json.loads(last) if last else None
