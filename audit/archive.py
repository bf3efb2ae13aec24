"""Archive old access events to a signed JSON-lines file, keeping the chain verifiable.

The file holds a header (the range and its boundary hashes), every event with all its
columns, and a last line with an HMAC-SHA256 of everything before it. A ChainAnchor
row records the last archived event, so once the privileged role has deleted the
archived rows, ``audit_verify`` checks that the first remaining event links to it.
The application never deletes: the triggers refuse it (README, "Audit trail").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit import chain
from audit.models import GENESIS_HASH, AccessEvent, ChainAnchor
from audit.services import _starting_link, iter_events, verify_chain

COLUMNS = ["actor_id", "prev_hash", "hash", *chain.HASHED_FIELDS]


class ArchiveError(Exception):
    pass


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    anchor: ChainAnchor
    count: int


def _key() -> bytes:
    return hashlib.sha256(("audit-archive:" + settings.AUDIT_ARCHIVE_KEY).encode()).digest()


def _sign(data: bytes) -> str:
    return hmac.new(_key(), data, hashlib.sha256).hexdigest()


def _line(obj: dict) -> bytes:
    return (
        json.dumps(obj, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False) + "\n"
    ).encode()


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def delete_sql(anchor: ChainAnchor) -> str:
    """What the privileged (table-owner) role runs after the file is stored safely."""
    # Bandit B608 (SQL built from a string): this SQL is printed for the owner role to
    # run by hand, never executed here, and the only interpolated value is an int.
    return (
        "BEGIN;\n"  # nosec B608
        "ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only;\n"
        f"DELETE FROM audit_accessevent WHERE sequence <= {int(anchor.sequence)};\n"
        "ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only;\n"
        "COMMIT;"
    )


def archive_before(cutoff: dt.datetime, directory: Path) -> ArchiveResult | None:
    """Write every event that occurred before ``cutoff`` (and is still in the table) to a
    signed file in ``directory`` and record its anchor. None when there is nothing."""
    report = verify_chain()
    if not report.ok:
        raise ArchiveError(f"the chain is broken at {report.broken_sequence}; not archiving")
    in_range = AccessEvent.objects.filter(occurred_at__lt=cutoff)
    last = in_range.order_by("-sequence").values_list("sequence", "hash").first()
    if last is None:
        return None
    first = AccessEvent.objects.order_by("sequence").first()
    first_prev, _origin = _starting_link(first)
    last_sequence, last_hash = last
    directory.mkdir(parents=True, exist_ok=True)
    name = f"audit-{first.sequence:012d}-{last_sequence:012d}.jsonl"
    path = directory / name
    header = {
        "type": "header",
        "chain_version": chain.CHAIN_VERSION,
        "first_sequence": first.sequence,
        "first_prev_hash": first_prev,
        "last_sequence": last_sequence,
        "last_hash": last_hash,
        "count": last_sequence - first.sequence + 1,
        "cutoff": cutoff.isoformat(),
        "created_at": timezone.now().isoformat(),
    }
    digest = hashlib.sha256()
    signed = hmac.new(_key(), digestmod=hashlib.sha256)
    with path.open("xb") as handle:
        for line in _archive_lines(header, last_sequence):
            handle.write(line)
            digest.update(line)
            signed.update(line)
        trailer = _line({"type": "signature", "hmac_sha256": signed.hexdigest()})
        handle.write(trailer)
        digest.update(trailer)
    with transaction.atomic():
        anchor = ChainAnchor.objects.create(
            sequence=last_sequence,
            hash=last_hash,
            first_sequence=first.sequence,
            first_prev_hash=first_prev,
            archive_name=name,
            archive_sha256=digest.hexdigest(),
        )
    return ArchiveResult(path=path, anchor=anchor, count=header["count"])


def _archive_lines(header: dict, last_sequence: int):
    yield _line(header)
    for event in iter_events():
        if event.sequence > last_sequence:
            return
        row = {name: getattr(event, name) for name in COLUMNS}
        row["occurred_at"] = event.occurred_at.astimezone(dt.UTC).isoformat()
        yield _line({"type": "event", **row})


def verify_archive(path: Path) -> dict:
    """Check an archive file's signature and the chain inside it; return its header."""
    raw = path.read_bytes()
    body, _sep, last = raw.rstrip(b"\n").rpartition(b"\n")
    body += b"\n"
    trailer = json.loads(last)
    if trailer.get("type") != "signature" or not hmac.compare_digest(
        trailer.get("hmac_sha256", ""), _sign(body)
    ):
        raise ArchiveError("the archive's signature does not match (altered, or another key)")
    lines = [json.loads(line) for line in body.decode().splitlines()]
    header, events = lines[0], lines[1:]
    expected_prev = header["first_prev_hash"]
    expected_sequence = header["first_sequence"]
    for row in events:
        row["occurred_at"] = dt.datetime.fromisoformat(row["occurred_at"])
        if row["sequence"] != expected_sequence or row["prev_hash"] != expected_prev:
            raise ArchiveError(f"broken link in the archive at sequence {row['sequence']}")
        if chain.compute_hash(row, row["prev_hash"]) != row["hash"]:
            raise ArchiveError(f"content does not match its hash at sequence {row['sequence']}")
        expected_prev, expected_sequence = row["hash"], row["sequence"] + 1
    if expected_prev != header["last_hash"] or expected_sequence != header["last_sequence"] + 1:
        raise ArchiveError("the archive ends elsewhere than its header says")
    if header["first_sequence"] == 1 and header["first_prev_hash"] != GENESIS_HASH:
        raise ArchiveError("the first archive must start at the genesis hash")
    return header
