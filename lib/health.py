"""Health of the moving parts: database, broker and worker heartbeat."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from datetime import timedelta

from celery import current_app as celery_app
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lib.models import WorkerHeartbeat

# Checks of domain parts, registered by their apps in ready() (lib imports no domain app).
_EXTRA_CHECKS: dict[str, Callable[[], dict]] = {}


def register_check(name: str, check: Callable[[], dict]) -> None:
    """Add a check to /healthz; it returns ``{"ok": bool, ...}``."""
    _EXTRA_CHECKS[name] = check


def record_heartbeat(hostname: str | None = None) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname or socket.gethostname(), defaults={"beat_at": timezone.now()}
    )
    return heartbeat


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" to a load balancer
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_broker(timeout: float = 2.0) -> dict:
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_worker() -> dict:
    try:
        latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if latest is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = timezone.now() - latest.beat_at
    ok = age <= timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    return {"ok": ok, "age_seconds": round(age.total_seconds(), 1)}


def overall_health() -> tuple[bool, dict]:
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "worker": check_worker(),
        **{name: check() for name, check in _EXTRA_CHECKS.items()},
    }
    return all(c["ok"] for c in checks.values()), checks


def _seconds_since_start() -> float:
    return time.monotonic() - apps.get_app_config("lib").started_at


def starting_window() -> float:
    """Seconds after start during which a missing worker heartbeat is expected.

    Beat sends the first heartbeat one interval after it starts, and a worker that is
    still warming the engine runs it a little later: allow the interval twice over.
    """
    interval = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["schedule"]
    seconds = interval.total_seconds() if isinstance(interval, timedelta) else float(interval)
    return 2 * seconds


def health_status() -> tuple[str, dict]:
    """``"ok"``, ``"starting"`` or ``"degraded"``, with every check.

    "starting": everything answers except the worker heartbeat (none yet, or a stale
    one from before this start), and this process started less than
    ``starting_window()`` ago (a deploy or ``make demo``), so no heartbeat of this run
    can have arrived yet. Any other failure is "degraded" at once, and a heartbeat
    still missing after the window is "degraded" too.
    """
    ok, checks = overall_health()
    if ok:
        return "ok", checks
    others_ok = all(c["ok"] for name, c in checks.items() if name != "worker")
    if others_ok and _seconds_since_start() < starting_window():
        return "starting", checks
    return "degraded", checks
