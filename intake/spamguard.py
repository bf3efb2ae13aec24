"""A spam guard that needs no third-party service: a honeypot and a signed page token.

Every intake form carries a field people never see (hidden by CSS, outside the
accessibility tree) and a signed token of when the page was shown, bound to this
browser session (a hash of a random per-session nonce) and to the page (the step).
The token works for ``INTAKE_FORM_MAX_AGE_MINUTES``, so one token cannot be harvested
and replayed from many sessions, on other pages, or for a day.

``check`` returns one of three verdicts:

* ``SPAM``: the honeypot is filled, the token is missing or forged, or the page came
  back faster than a person could answer (``INTAKE_MIN_FILL_SECONDS``). A generic
  message: a bot learns nothing.
* ``STALE``: a genuine token that expired or belongs to another session or page (a
  page left open, a second window). A clear message asking to send it again.
* ``OK``.

Either refusal stores nothing and shows the form again with what was typed, and a
fresh token: a person loses nothing.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

HONEYPOT_FIELD = "website"
TIMESTAMP_FIELD = "shown_at"
_SALT = "triage.intake.spamguard.v2"  # its pre-relayout name: forms in flight stay valid
# The random nonce this session's tokens are bound to (never sent to the browser).
SESSION_NONCE_KEY = "intake_form_nonce"

OK = "ok"
SPAM = "spam"
STALE = "stale"


def _now() -> float:
    return time.time()


def _session_hash(session) -> str:
    """A hash of this session's nonce, created on first use (it survives cycle_key)."""
    nonce = session.get(SESSION_NONCE_KEY)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        session[SESSION_NONCE_KEY] = nonce
    return salted_hmac(_SALT, nonce).hexdigest()[:32]


def timestamp_token(session, step: str) -> str:
    """The signed token of a page shown now, in ``session``, for ``step``."""
    return signing.dumps({"t": _now(), "s": _session_hash(session), "p": step}, salt=_SALT)


def check(data, session, step: str) -> str:
    """The verdict on a posted intake form (see the module docstring)."""
    if str(data.get(HONEYPOT_FIELD, "") or "").strip():
        return SPAM
    token = str(data.get(TIMESTAMP_FIELD, "") or "")
    max_age = settings.INTAKE_FORM_MAX_AGE_MINUTES * 60
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age)
        shown_at = float(payload["t"])
        bound_session, bound_step = str(payload["s"]), str(payload["p"])
    except signing.SignatureExpired:
        return STALE
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        return SPAM
    # Only a session that already has a nonce can own a token: never create one here.
    nonce = session.get(SESSION_NONCE_KEY)
    if not nonce or bound_step != step:
        return STALE
    if not constant_time_compare(bound_session, salted_hmac(_SALT, nonce).hexdigest()[:32]):
        return STALE
    if _now() - shown_at < settings.INTAKE_MIN_FILL_SECONDS:
        return SPAM
    return OK
