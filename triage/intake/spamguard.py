"""A spam guard that needs no third-party service: a honeypot and a minimum fill time.

Every intake form carries a field people never see (hidden by CSS, outside the
accessibility tree) and a signed timestamp of when the page was shown. A post that
fills the honeypot, has no valid timestamp or comes back faster than a person could
answer (``INTAKE_MIN_FILL_SECONDS``) is refused with a generic message: a bot learns
nothing and a person loses nothing (the form is shown again, filled in).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing

HONEYPOT_FIELD = "website"
TIMESTAMP_FIELD = "shown_at"
_SALT = "triage.intake.spamguard"
# A page left open longer than this must be reloaded (the timestamp expires).
_MAX_AGE = 24 * 60 * 60


def _now() -> float:
    return time.time()


def timestamp_token() -> str:
    return signing.dumps(_now(), salt=_SALT)


def is_spam(data) -> bool:
    if str(data.get(HONEYPOT_FIELD, "") or "").strip():
        return True
    try:
        token = str(data.get(TIMESTAMP_FIELD, ""))
        shown_at = float(signing.loads(token, salt=_SALT, max_age=_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return _now() - shown_at < settings.INTAKE_MIN_FILL_SECONDS
