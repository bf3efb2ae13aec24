"""CSV and JSON export of access events; every export is itself an audit event."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access

COLUMNS = [
    "sequence", "occurred_at", "actor_username", "actor_role", "action", "outcome",
    "object_type", "object_id", "patient_ref", "reason", "client_address", "user_agent",
    "request_id", "path", "details", "prev_hash", "hash",
]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = json.dumps(value, sort_keys=True) if isinstance(value, dict) else str(value or "")
    # A spreadsheet would run a cell starting with these as a formula.
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        text = "'" + text
    return text


def _rows(queryset) -> Iterator[dict]:
    for values in queryset.order_by("sequence").values(*COLUMNS).iterator(chunk_size=2000):
        values["occurred_at"] = values["occurred_at"].isoformat()
        yield values


def _csv(queryset) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in _rows(queryset):
        yield writer.writerow([_cell(row[name]) for name in COLUMNS])


def _jsonl(queryset) -> Iterator[str]:
    for row in _rows(queryset):
        yield json.dumps(row, cls=DjangoJSONEncoder, sort_keys=True) + "\n"


def export_events(*, request: HttpRequest, queryset, fmt: str) -> StreamingHttpResponse:
    """Stream ``queryset`` as CSV or JSON lines, after recording the export (EXPORT)."""
    if fmt not in {"csv", "json"}:
        raise ValueError(f"unknown export format {fmt!r}")
    count = queryset.order_by().count()
    # Written (and committed) before a single row leaves; a failure is a 503.
    record_access(
        request=request,
        action=AccessEvent.Action.EXPORT,
        object_type=AccessEvent._meta.label_lower,
        details={"format": fmt, "count": count},
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(queryset), content_type="text/csv; charset=utf-8")
        name = f"access-events-{stamp}.csv"
    else:
        response = StreamingHttpResponse(_jsonl(queryset), content_type="application/x-ndjson")
        name = f"access-events-{stamp}.jsonl"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
