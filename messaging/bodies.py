"""What a message body may be: not empty, not oversized, not binary. Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lib.text import is_binary_char

MAX_CHARS = 4000

EMPTY = _("Write a message before sending.")
TOO_LONG = _("Your message is too long: at most %(max)s characters (it has %(count)s).")
BINARY = _(
    "Your message contains characters that cannot be sent (it looks like a file, not text). "
    "Please type or paste plain text."
)


def body_problem(body: str) -> str | None:
    """The error to show for ``body``, or None when it can be sent."""
    if not body or not body.strip():
        return str(EMPTY)
    if any(is_binary_char(c) for c in body):
        return str(BINARY)
    if len(body) > MAX_CHARS:
        return str(TOO_LONG) % {"max": MAX_CHARS, "count": len(body)}
    return None


def normalize_body(body: str) -> str:
    """Line endings as \\n and no blank margins; the text itself is kept as written."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()
