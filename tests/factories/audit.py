"""Access events for tests: written through the real service, so the chain is real."""

from __future__ import annotations

from audit.models import AccessEvent
from audit.services import record_access


def record_event(**overrides) -> AccessEvent:
    fields = {
        "action": AccessEvent.Action.VIEW,
        "object_type": "cases.case",
        "object_id": "1",
        "patient_ref": "C-0001",
    }
    fields.update(overrides)
    return record_access(**fields)


def record_events(count: int, **overrides) -> list[AccessEvent]:
    return [record_event(object_id=str(n), **overrides) for n in range(1, count + 1)]
