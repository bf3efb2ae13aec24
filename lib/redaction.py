"""Keep the secret part of patient and paging links out of logs and the audit trail.

A status link (/intake/status/<token>/) opens a patient's record without an account,
and an acknowledge or shift link (/paging/ack/<token>/) acts for a nurse: whoever reads
a log line holding one could use it. Every path that reaches a log handler, the access
log of gunicorn or an audit event goes through :func:`redact` first.

Logs are redacted twice over: ``configure_logging`` (``settings.LOGGING_CONFIG``)
installs a log record factory that redacts every record when it is made, on every
logger, whatever the handler (Django's own, Celery's, a library's) and whatever DEBUG
is; and the configured handlers carry the :class:`RedactSecretLinks` filter.
"""

from __future__ import annotations

import logging
import logging.config
import re

__all__ = ["REDACTED", "RedactSecretLinks", "configure_logging", "redact"]

REDACTED = "[redacted]"
_SECRET_LINK = re.compile(r"(/(?:intake/status|paging/ack|paging/shift|paging/link)/)[^/?#\s\"']+")


def redact(text: str) -> str:
    """``text`` with the token of every secret link replaced by ``[redacted]``."""
    if "/intake/status/" not in text and "/paging/" not in text:
        return text
    return _SECRET_LINK.sub(rf"\g<1>{REDACTED}", text)


def _redact_record(record: logging.LogRecord) -> None:
    """Format the record's message once and, when it holds a secret link, keep only
    the redacted text."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format: leave it to the handler's handleError
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()


class RedactSecretLinks(logging.Filter):
    """A handler filter: formats the record once and redacts it (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def install_record_redaction() -> None:
    """Make every log record of the process redacted at creation (idempotent)."""
    base = logging.getLogRecordFactory()
    if getattr(base, "redacts_secret_links", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = base(*args, **kwargs)
        _redact_record(record)
        return record

    factory.redacts_secret_links = True
    logging.setLogRecordFactory(factory)


def configure_logging(config: dict) -> None:
    """``settings.LOGGING_CONFIG``: redact every record, then apply ``LOGGING``."""
    install_record_redaction()
    logging.config.dictConfig(config)
