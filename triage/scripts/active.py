"""Which script triages a team's patients right now, as an engine Script."""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from django.db import DatabaseError

from accounts.models import Team
from triage import engine
from triage.crisis_models.active import warm as warm_crisis_model
from triage.models import TriageScript

logger = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _compiled(script_id: int, version: int) -> engine.Script:
    # An approved script never changes (a change is a new version), so its id and
    # version name its document: the ~140 KB document is read and compiled once per
    # process, not fetched and serialised on every call to build a key.
    document = TriageScript.objects.values_list("document", flat=True).get(pk=script_id)
    return engine.Script.from_dict(document)


def active_script(team: Team) -> tuple[TriageScript | None, engine.Script]:
    """The team's active approved script; else the active base (the phrase rows every
    team builds on); else the shipped default.

    The default is the reviewed document in triage/engine/data: a patient is never
    turned away because a clinic has not activated a script yet.
    """
    record = (
        TriageScript.objects.filter(team=team, status=TriageScript.Status.ACTIVE)
        .defer("document", "validation_report")
        .first()
    )
    if record is None:
        record = TriageScript.objects.filter(
            team__isnull=True, status=TriageScript.Status.ACTIVE
        ).first()
    if record is None:
        return None, engine.default_script()
    return record, _compiled(record.pk, record.version)


def version_label(record: TriageScript | None, script: engine.Script) -> str:
    return record.label if record is not None else script.version


def warm() -> None:
    """Compile the shipped and every active script now, at process start.

    Compiling a script takes about a second; done lazily, the first crisis intake after
    a deploy or a worker restart would wait for it. gunicorn (post_worker_init) and
    Celery (worker_process_init, worker_ready) call this.
    """
    started = time.monotonic()
    engine.default_script()
    count = 0
    try:
        active = TriageScript.objects.filter(status=TriageScript.Status.ACTIVE)
        for script_id, version in active.values_list("pk", "version"):
            _compiled(script_id, version)
            count += 1
    except DatabaseError:
        # Not fatal: the scripts compile on first use instead.
        logger.warning("Could not read active triage scripts to warm them", exc_info=True)
    warm_crisis_model()
    logger.info(
        "Triage engine warm: default and %d active scripts and the crisis model in %.1f s",
        count,
        time.monotonic() - started,
    )
