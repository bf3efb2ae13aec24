"""Which crisis model reads patients' words right now, loaded once per process.

The active ``CrisisModel`` row wins; with none active, the artifact shipped in
triage/engine/data. A model that cannot be loaded never stops a scan: the scan falls
back to the lexicon alone, the failure is logged, and ``health()`` reports it to
/healthz and the supervisor page until a model loads again.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

from django.db import DatabaseError

from triage.engine.crisis_model import SHIPPED_MODEL_PATH, CrisisModel, CrisisModelError
from triage.models import CrisisModel as CrisisModelRecord

logger = logging.getLogger(__name__)

SHIPPED_ARTIFACT = SHIPPED_MODEL_PATH

_state_lock = threading.Lock()
_last_error: str | None = None


@lru_cache(maxsize=1)
def shipped_model() -> CrisisModel:
    """The model shipped with this release (raises CrisisModelError if unreadable)."""
    try:
        data = SHIPPED_ARTIFACT.read_bytes()
    except OSError as exc:
        raise CrisisModelError(f"the shipped model cannot be read: {exc.strerror}") from exc
    return CrisisModel.from_bytes(data)


@lru_cache(maxsize=4)
def _load_record(pk: int, version: str) -> CrisisModel:
    # Keyed by version: an artifact never changes, so it is read once per process.
    artifact = CrisisModelRecord.objects.values_list("artifact", flat=True).get(pk=pk)
    model = CrisisModel.from_bytes(bytes(artifact))
    if model.version != version:
        raise CrisisModelError(f"artifact of {version} hashes to {model.version}")
    return model


def _set_error(error: str | None) -> None:
    global _last_error
    with _state_lock:
        if error and error != _last_error:
            logger.error("Crisis model unavailable, scanning with the lexicon only: %s", error)
        elif not error and _last_error:
            logger.warning("Crisis model available again")
        _last_error = error


def active_model() -> tuple[CrisisModelRecord | None, CrisisModel | None]:
    """The active record (None for the shipped model) and the loaded model.

    The model is None when it cannot be loaded: the caller scans with the lexicon only.
    """
    record = None
    try:
        record = (
            CrisisModelRecord.objects.filter(status=CrisisModelRecord.Status.ACTIVE)
            .only("pk", "version", "number", "threshold", "status", "created_at")
            .first()
        )
        model = _load_record(record.pk, record.version) if record else shipped_model()
    except (CrisisModelError, DatabaseError, CrisisModelRecord.DoesNotExist) as exc:
        name = record.version if record else "the shipped model"
        _set_error(f"{name}: {exc}")
        return record, None
    _set_error(None)
    return record, model


def health() -> dict:
    """For /healthz and the supervisor page: ok, or the reason the model is not in use."""
    with _state_lock:
        error = _last_error
    return {"ok": error is None, **({"error": error} if error else {})}


def health_check() -> dict:
    """The /healthz check: loads the active model, so a broken artifact shows at once."""
    active_model()
    return health()


def warm() -> None:
    """Load the active model now (process start), so the first scan does not wait."""
    _, model = active_model()
    if model is not None:
        logger.info("Crisis model %s loaded (%d terms)", model.version, model.vocabulary_size)


def reset() -> None:
    """Forget loaded models and errors (tests, and after an activation in this process)."""
    shipped_model.cache_clear()
    _load_record.cache_clear()
    _set_error(None)
