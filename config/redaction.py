"""Keep the secret part of patient and paging links out of logs and the audit trail.

A status link (/intake/status/<token>/) opens a patient's record without an account,
and an acknowledge or shift link (/paging/ack/<token>/) acts for a nurse: whoever reads
a log line holding one could use it. Every path that reaches a log handler, the access
log of gunicorn or an audit event goes through :func:`redact` first.
"""

from __future__ import annotations

import logging
import re

__all__ = ["REDACTED", "RedactSecretLinks", "redact"]

REDACTED = "[redacted]"
_SECRET_LINK = re.compile(r"(/(?:intake/status|paging/ack|paging/shift)/)[^/?#\s\"']+")


def redact(text: str) -> str:
    """``text`` with the token of every secret link replaced by ``[redacted]``."""
    if "/intake/status/" not in text and "/paging/" not in text:
        return text
    return _SECRET_LINK.sub(rf"\g<1>{REDACTED}", text)


class RedactSecretLinks(logging.Filter):
    """A handler filter: formats the record once and redacts it (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
