"""The live conversation: the patient's page asks every few seconds whether anything
changed, and staff see whether the patient has the page open.

A poll that finds nothing new costs a few indexed queries and writes no audit event:
the patient's read is recorded when new content is actually sent to them. The
"last seen" time is written at most once per ``SEEN_WRITE_SECONDS``, with one
conditional UPDATE, so a page left open does not write on every poll.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from lib.client_address import client_address
from messaging.models import Conversation

SEEN_WRITE_SECONDS = 5

logger = logging.getLogger(__name__)


def poll_allowed(request) -> bool:
    """At most PATIENT_POLL_RATE_LIMIT polls per address per INTAKE_RATE_LIMIT_SECONDS.

    A fixed window counted with one cache increment: the intake's sliding window keeps
    every timestamp, too much for a request made every 3 s. Fails open like it.
    """
    window = settings.INTAKE_RATE_LIMIT_SECONDS
    address = hashlib.sha256((client_address(request) or "unknown").encode()).hexdigest()[:32]
    key = f"ratelimit:poll:{address}:{int(time.time() // window)}"
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) <= settings.PATIENT_POLL_RATE_LIMIT
    except Exception as exc:  # the cache is down: never stop a patient reading replies
        logger.warning(
            "conversation poll limit skipped: cache unavailable (%s)", type(exc).__name__
        )
        return True


def conversation_of_intake(intake) -> Conversation | None:
    """The conversation of the intake's case, with the case and its team (one query)."""
    return (
        Conversation.objects.select_related("case", "case__team")
        .filter(case__intake=intake)
        .first()
    )


def mark_patient_seen(conversation: Conversation, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=SEEN_WRITE_SECONDS)
    Conversation.objects.filter(
        Q(patient_seen_at__isnull=True) | Q(patient_seen_at__lt=stale), pk=conversation.pk
    ).update(patient_seen_at=now)


def state_of(conversation: Conversation) -> str:
    """A marker that changes whenever what the patient sees changes: the newest message
    and the conversation's status (a takeover changes the status line)."""
    last = conversation.messages.order_by("-created_at", "-pk").values_list("pk", flat=True).first()
    return f"{last or 0}.{conversation.status}"


def patient_viewing(conversation: Conversation, now: dt.datetime | None = None) -> bool:
    """The patient's page asked within PATIENT_VIEWING_SECONDS."""
    seen = conversation.patient_seen_at
    if seen is None:
        return False
    now = now or timezone.now()
    return now - seen <= dt.timedelta(seconds=settings.PATIENT_VIEWING_SECONDS)
