"""Which script triages a team's patients right now, as an engine Script."""

from __future__ import annotations

import json
from functools import lru_cache

from accounts.models import Team
from triage import engine
from triage.models import TriageScript


@lru_cache(maxsize=32)
def _compiled(document_json: str) -> engine.Script:
    # Keyed by the document itself: an approved document never changes, so the
    # compiled lexicon is reused across requests and tasks.
    return engine.Script.from_dict(json.loads(document_json))


def active_script(team: Team) -> tuple[TriageScript | None, engine.Script]:
    """The team's active approved script; the shipped default if none is active.

    The default is the reviewed document in triage/engine/data: a patient is never
    turned away because a clinic has not activated a script yet.
    """
    record = TriageScript.objects.filter(team=team, status=TriageScript.Status.ACTIVE).first()
    if record is None:
        return None, engine.default_script()
    return record, _compiled(json.dumps(record.document, sort_keys=True))


def version_label(record: TriageScript | None, script: engine.Script) -> str:
    return record.label if record is not None else script.version
