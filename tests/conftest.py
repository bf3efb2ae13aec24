"""Shared fixtures: fast hashing, an isolated Celery queue, real worker processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from config.celery import app as celery_app
from tests.factories.cases import make_case, make_intake

ROOT = Path(__file__).resolve().parent.parent

# Every test session publishes to its own queue, so parallel runs and left-over
# messages never reach another run's workers.
SESSION_QUEUE = f"test-{uuid.uuid4().hex[:12]}"
celery_app.conf.task_default_queue = SESSION_QUEUE


@pytest.fixture(autouse=True)
def _default_language():
    # A view that switches language (the status page's own switch) leaves it active in
    # this thread after the request; a later test reading a label must not see Spanish.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that check hashing set it back themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def process_env(**extra: str) -> dict[str, str]:
    """Environment for a child process that must use this test's database."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        CELERY_QUEUE=SESSION_QUEUE,
        TRIAGE_ENV="test",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class CeleryProcess:
    """A real `celery worker` (or beat) child process with its log kept for asserts."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} not seen in celery log:\n{self.log()}")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def start_celery(tmp_path) -> Iterator:
    """Start real Celery processes on this session's queue; all are stopped afterwards."""
    started: list[CeleryProcess] = []

    def start(kind: str = "worker", *extra: str, **env: str) -> CeleryProcess:
        name = f"{kind}-{uuid.uuid4().hex[:6]}"
        if kind == "worker":
            args = [
                "worker", "-Q", SESSION_QUEUE, "-n", f"{name}@%h", "--pool=solo",
                "--without-mingle", "--without-gossip", "--loglevel=INFO", *extra,
            ]  # fmt: skip
        else:
            args = ["beat", "--loglevel=INFO", "-s", str(tmp_path / f"{name}.schedule"), *extra]
        proc = CeleryProcess(args, process_env(**env), tmp_path / f"{name}.log")
        started.append(proc)
        if kind == "worker":
            proc.wait_for_log("ready.")
        return proc

    yield start
    for proc in started:
        proc.stop()


def pytest_sessionfinish(session, exitstatus):
    # Drop this session's queue from Redis so nothing piles up between runs.
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://"):
        import redis

        with contextlib.suppress(redis.exceptions.RedisError):
            # Paging's tasks go to "<queue>.paging" (paging/services/dispatch.py).
            redis.Redis.from_url(broker).delete(SESSION_QUEUE, f"{SESSION_QUEUE}.paging")


@pytest.fixture
def intake_factory():
    return make_intake


@pytest.fixture
def case_factory():
    return make_case
