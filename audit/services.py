"""The one write path of the audit trail, and the reads built on it.

``record_access`` writes an AccessEvent in the caller's transaction, so the event
commits with the change it records, or not at all. The chain head is serialized:
on PostgreSQL by a transaction-level advisory lock (held until the caller's
transaction ends; the next writer waits its turn, no retry loop that can starve),
on SQLite by the database write lock that ``BEGIN IMMEDIATE`` takes (settings use
transaction_mode IMMEDIATE).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit import actors, chain, context, triggers
from audit.models import GENESIS_HASH, AccessEvent, ChainAnchor

logger = logging.getLogger(__name__)

# Key of pg_advisory_xact_lock serializing the chain head (any constant bigint that
# no other code of this database uses; "AUDITCHN" in ASCII).
CHAIN_LOCK_KEY = 0x4155444954434841


class AuditWriteError(Exception):
    """The audit event could not be written; whatever it was to record must not happen."""


def _lock_chain_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the transaction began IMMEDIATE and already holds the write lock.


def chain_head() -> tuple[int, str]:
    """(sequence, hash) of the last event, or of the last archive anchor, or (0, genesis)."""
    last = AccessEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    if last is not None:
        return last
    anchor = ChainAnchor.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return anchor if anchor is not None else (0, GENESIS_HASH)


def record_access(
    *,
    request=None,
    actor=None,
    action: str,
    object_type: str,
    object_id: Any = "",
    patient_ref: str = "",
    reason: str = "",
    outcome: str = AccessEvent.Outcome.ALLOWED,
    details: dict | None = None,
) -> AccessEvent:
    """Record one access to PHI and return the event.

    The actor, client address, user agent, request id and path come from ``request``
    or, without one, from the request being served (AuditContextMiddleware); pass
    ``actor`` to name someone else. Never put a PHI value in ``patient_ref`` (use the
    case reference), ``reason`` (the user's stated reason only) or ``details``.

    Runs inside the current transaction (opening one when none is open) so the event
    commits with the change it records. Call it late in a long transaction: the chain
    lock is held until that transaction ends. Raises AuditWriteError on any failure.
    """
    if action not in AccessEvent.Action.values:
        raise AuditWriteError(f"unknown audit action {action!r}")
    if outcome not in AccessEvent.Outcome.values:
        raise AuditWriteError(f"unknown audit outcome {outcome!r}")
    ctx = context.context_from(request) if request is not None else context.current()
    if actor is None and ctx is not None:
        actor = ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    try:
        content = {
            "actor_username": actor.get_username() if actor is not None else "",
            "actor_role": actors.role_label(actor)[:200] if actor is not None else "",
            "action": str(action),
            "outcome": str(outcome),
            # The lowercase model label ("cases.case"), whatever case the caller used.
            "object_type": str(object_type).lower()[:100],
            "object_id": str(object_id)[:64],
            "patient_ref": str(patient_ref)[:64],
            "reason": str(reason),
            "client_address": ctx.client_address if ctx else None,
            "user_agent": ctx.user_agent[: context.USER_AGENT_MAX] if ctx else "",
            "request_id": ctx.request_id if ctx else "",
            "path": ctx.path[: context.PATH_MAX] if ctx else "",
            "details": chain.normalize_details(details),
        }
        # A savepoint inside the caller's transaction, or a transaction of its own.
        with transaction.atomic():
            _lock_chain_head()
            last_sequence, prev_hash = chain_head()
            content["sequence"] = last_sequence + 1
            # Stamped under the lock, so time never goes backwards along the chain.
            content["occurred_at"] = timezone.now()
            return AccessEvent.objects.create(
                actor=actor,
                prev_hash=prev_hash,
                hash=chain.compute_hash(content, prev_hash),
                **content,
            )
    except (DatabaseError, TypeError, ValueError) as exc:
        logger.error("audit event not written: %s", type(exc).__name__)
        raise AuditWriteError(f"audit event not written: {type(exc).__name__}") from exc


# Labels objects had before the intake and cases apps were split out of triage (2026-12).
# Audit rows are never rewritten, so an object's accounting reads both.
EARLIER_OBJECT_TYPES = {
    "cases.case": "triage.case",
    "cases.breakglassaccess": "triage.breakglassaccess",
    "cases.crisissignal": "triage.crisissignal",
    "intake.consent": "triage.consent",
    "intake.consentdocument": "triage.consentdocument",
    "intake.intake": "triage.intake",
}


def accesses_for(object_type: str, object_id: Any) -> QuerySet[AccessEvent]:
    """Every recorded access to one object, newest first (accounting of disclosures).

    ``object_type`` is the model label, e.g. ``"cases.case"`` (any case).
    """
    label = str(object_type).lower()
    labels = [label, *filter(None, [EARLIER_OBJECT_TYPES.get(label)])]
    return AccessEvent.objects.filter(object_type__in=labels, object_id=str(object_id)).order_by(
        "-sequence"
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head_sequence: int
    head_hash: str
    broken_sequence: int | None = None
    problem: str = ""
    expected: str = ""
    found: str = ""


def iter_events(chunk_size: int = 2000) -> Iterator[AccessEvent]:
    """All events in chain order, fetched in keyset-paginated chunks (constant memory)."""
    after = -1
    while True:
        chunk = list(
            AccessEvent.objects.filter(sequence__gt=after).order_by("sequence")[:chunk_size]
        )
        if not chunk:
            return
        yield from chunk
        after = chunk[-1].sequence


def _starting_link(first: AccessEvent) -> tuple[str, str]:
    """What the first remaining event must link to: genesis, or an archive anchor."""
    if first.sequence == 1:
        return GENESIS_HASH, "genesis"
    anchor = ChainAnchor.objects.filter(sequence=first.sequence - 1).first()
    if anchor is None:
        return "", f"no archive anchor for sequence {first.sequence - 1}"
    return anchor.hash, f"anchor at {anchor.sequence}"


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in order; stop at the first broken link."""
    count = 0
    expected_prev = None
    expected_sequence = None
    head = (0, GENESIS_HASH)
    for event in iter_events(chunk_size):
        if expected_prev is None:
            expected_prev, origin = _starting_link(event)
            expected_sequence = event.sequence
            if not expected_prev:
                return ChainReport(False, count, *head, event.sequence, origin, "", event.prev_hash)
        if event.sequence != expected_sequence:
            return ChainReport(
                False, count, *head, event.sequence, "gap in sequence",
                str(expected_sequence), str(event.sequence),
            )  # fmt: skip
        if event.prev_hash != expected_prev:
            return ChainReport(
                False, count, *head, event.sequence, "prev_hash does not match the previous hash",
                expected_prev, event.prev_hash,
            )  # fmt: skip
        recomputed = chain.event_hash(event)
        if recomputed != event.hash:
            return ChainReport(
                False, count, *head, event.sequence, "content does not match its hash",
                recomputed, event.hash,
            )  # fmt: skip
        count += 1
        head = (event.sequence, event.hash)
        expected_prev = event.hash
        expected_sequence = event.sequence + 1
    return ChainReport(True, count, *head)


def check_exported_head(head: dict | None) -> ChainReport | None:
    """A report of the break when the last exported head is no longer in the table.

    Catches what the chain alone cannot: rows removed from the end (or a rewritten
    tail with recomputed hashes) by someone who bypassed the triggers.
    """
    if not head or not head.get("sequence"):
        return None
    sequence, expected = int(head["sequence"]), str(head["hash"])
    if ChainAnchor.objects.filter(sequence__gte=sequence).exists():
        return None  # archived since; the archive file carries it
    found = (
        AccessEvent.objects.filter(sequence=sequence).values_list("hash", flat=True).first() or ""
    )
    if found == expected:
        return None
    last_sequence, last_hash = chain_head()
    problem = "exported head missing" if not found else "exported head differs"
    return ChainReport(False, 0, last_sequence, last_hash, sequence, problem, expected, found)


def check_triggers(count: int = 0) -> ChainReport | None:
    """A report naming the append-only triggers not in force (missing, disabled or
    altered), if any; ``count`` is the number of events the chain walk verified."""
    found = triggers.problems(connection)
    if not found:
        return None
    kinds = sorted({problem.kind for problem in found})
    last_sequence, last_hash = chain_head()
    return ChainReport(
        False, count, last_sequence, last_hash, None,
        f"append-only triggers {' and '.join(kinds)}",
        "installed and enabled", "; ".join(map(str, found)),
    )  # fmt: skip
