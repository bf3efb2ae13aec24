"""The clinic's nurse-confirmed labels as training rows, de-identified and encrypted.

A signal reviewed as a true positive labels its text ``crisis``; one reviewed as a false
positive labels it ``no_crisis`` (unless another signal on the same text was confirmed);
a missed signal recorded by a nurse labels the intake's words ``crisis``. Every text is
de-identified (triage.engine.deidentify) with the intake's own identifiers removed first,
and the file is sealed with the PHI key (triage/crisis_models/labels.py): it stays inside
the clinic's systems, is never committed, and is sent to no outside service. The export
is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from audit.models import AccessEvent
from audit.services import record_access
from cases.models import CrisisSignal
from messaging.models import Message
from triage.crisis_models.labels import seal_rows
from triage.engine.deidentify import deidentify


def _text_of(signal: CrisisSignal) -> tuple[str, str] | None:
    """(key, text) the signal was found in: the intake's words or the message."""
    if signal.source == CrisisSignal.Source.MESSAGE:
        message = Message.objects.filter(pk=signal.source_id).only("body").first()
        return (f"message:{signal.source_id}", message.body) if message else None
    if signal.source in (CrisisSignal.Source.INTAKE_TEXT, CrisisSignal.Source.STAFF):
        intake = signal.case.intake
        return (f"intake:{intake.pk}", intake.reason) if intake.reason else None
    return None


def labelled_rows(since: dt.date | None = None) -> list[dict[str, Any]]:
    signals = CrisisSignal.objects.select_related("case__intake").exclude(
        review=CrisisSignal.Review.UNREVIEWED
    )
    if since:
        signals = signals.filter(case__opened_at__date__gte=since)
    rows: dict[str, dict[str, Any]] = {}
    for signal in signals.order_by("created_at"):
        found = _text_of(signal)
        if found is None:
            continue
        key, text = found
        crisis = signal.review == CrisisSignal.Review.TRUE_POSITIVE
        if key in rows and rows[key]["label"] == "crisis":
            continue  # a confirmed crisis is never undone by another signal's review
        intake = signal.case.intake
        known = [("[NAME]", intake.full_name), ("[PHONE]", intake.phone), ("[EMAIL]", intake.email)]
        rows[key] = {
            "text": deidentify(text, known),
            "label": "crisis" if crisis else "no_crisis",
            "language": intake.language,
            "category": signal.category if crisis else None,
            "kind": None,
            "style": "chat" if key.startswith("message") else "intake",
            "persona": None,
            "age_band": intake.age_band or None,
        }
    return list(rows.values())


def export_labels(*, out: Path, since: str | None = None, actor=None) -> int:
    day = dt.date.fromisoformat(since) if since else None
    rows = labelled_rows(day)
    out.write_text(seal_rows(rows), encoding="ascii")
    record_access(
        actor=actor,
        action=AccessEvent.Action.EXPORT,
        object_type="cases.crisissignal",
        reason="crisis model labels export (de-identified)",
        details={"rows": len(rows), "since": since or ""},
    )
    return len(rows)
