"""Shared pieces of benchmarks/load.py and benchmarks/faults.py.

Everything runs against real processes on this machine, kept apart from anything
other people run here: a database of its own (dropped and migrated at start), a
private redis-server on a free port (never the shared 6379), its own Celery queue,
gunicorn with 2 workers, a Celery worker and beat. Patients and nurses are asyncio
HTTP clients (httpx) that go through the real pages: CSRF tokens, the spam guard's
signed time, sign-in with password and TOTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NURSE_PASSWORD = "bench-nurse-password-2026"  # noqa: S105 - a throwaway bench database
WEBHOOK_SECRET = "bench-webhook-secret"  # noqa: S105


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text: str) -> None:
    print(text, flush=True)


# ---- processes -------------------------------------------------------------------


class Proc:
    """A child process with its output in a log file; stopped with a signal by pid."""

    def __init__(self, name: str, args: list[str], env: dict, logdir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log_path = logdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Proc:
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps it
        # A process group of its own, so a kill reaches the pool children too (as
        # systemd's control-group kill does).
        self.proc = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # Whatever of the group is left (pool children) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log():
                return
            if not self.alive():
                break
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: {needle!r} not seen; log:\n{self.log()[-3000:]}")


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence."""

    def __init__(self, logdir: Path) -> None:
        self.port = free_port()
        self.logdir = logdir
        self.proc: Proc | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.proc = Proc("redis", args, dict(os.environ), self.logdir).start()
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.exceptions.RedisError):
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()


class TcpProxy:
    """A pausable TCP proxy (asyncio, in a thread) in front of PostgreSQL.

    ``outage()`` closes every open connection and refuses new ones (the web processes
    see "server closed the connection" / "connection refused" exactly as when
    PostgreSQL goes down); ``restore()`` accepts again. Only processes pointed at the
    proxy are affected, so the shared PostgreSQL keeps serving everyone else.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.down = False
        self.loop = asyncio.new_event_loop()
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self.ready.set()
        with contextlib.suppress(Exception):
            self.loop.run_forever()
        server.close()

    async def _pipe(self, reader, writer) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def _handle(self, reader, writer) -> None:
        if self.down:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers.difference_update((writer, up_writer))

    def start(self) -> None:
        self.thread.start()
        self.ready.wait(10)

    def outage(self) -> None:
        def cut():
            self.down = True
            for w in list(self.writers):
                with contextlib.suppress(Exception):
                    w.transport.abort()
            self.writers.clear()

        self.loop.call_soon_threadsafe(cut)

    def restore(self) -> None:
        self.loop.call_soon_threadsafe(setattr, self, "down", False)


class WebhookReceiver:
    """The paging gateway: records every signed POST; a repeated Idempotency-Key is a
    duplicate delivery (an idempotent gateway drops it, but it is counted)."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.arrivals[self.headers.get("Idempotency-Key", "")].append(time.time())
                    with contextlib.suppress(ValueError):
                        receiver.bodies.append(json.loads(body or b"{}"))
                reply = json.dumps({"id": f"gw-{uuid.uuid4().hex[:8]}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/page"

    def duplicates(self) -> dict[str, int]:
        with self.lock:
            return {k: len(v) for k, v in self.arrivals.items() if len(v) > 1}


# ---- the system under test -------------------------------------------------------


class System:
    """Database, private Redis, gunicorn (2 workers), a Celery worker and beat."""

    def __init__(self, name: str, database_url: str, web_database_url: str | None = None):
        self.name = name
        self.database_url = database_url
        self.web_database_url = web_database_url or database_url
        self.logdir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.redis = PrivateRedis(self.logdir)
        self.queue = f"{name}-{uuid.uuid4().hex[:8]}"
        self.web_port = free_port()
        self.receiver = WebhookReceiver()
        self.web: Proc | None = None
        self.worker: Proc | None = None
        self.beat: Proc | None = None
        self.worker_count = 0
        self.beat_count = 0
        self.worker_database_url = database_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def env(self, database_url: str | None = None) -> dict:
        env = dict(os.environ)
        env.update(
            TRIAGE_ENV="development",
            DEBUG="false",
            DATABASE_URL=database_url or self.database_url,
            CELERY_BROKER_URL=f"{self.redis.url}/0",
            CACHE_URL=f"{self.redis.url}/1",
            CELERY_QUEUE=self.queue,
            INTAKE_MIN_FILL_SECONDS="0",
            INTAKE_RATE_LIMIT_POSTS="1000000",
            EMAIL_URL="consolemail://",
            PAGING_WEBHOOK_SECRET=WEBHOOK_SECRET,
            SITE_URL=self.base_url,
            AUDIT_HEAD_EXPORT=str(self.logdir / "audit-head.jsonl"),
            AXES_FAILURE_LIMIT="1000",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        return env

    # -- set-up in this process (Django configured on the real database) --
    def prepare(self, nurses: int) -> list[dict]:
        self.redis.start()
        _recreate_database(self.database_url)
        os.environ.update(self.env())
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return _seed(nurses, self.receiver.url)

    def start_web(self) -> None:
        args = [
            str(VENV_BIN / "gunicorn"),
            "-c",
            "config/gunicorn_conf.py",
            "config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--timeout",
            "60",
        ]
        self.web = Proc("web", args, self.env(self.web_database_url), self.logdir).start()
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/intake/", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer:\n" + self.web.log()[-3000:])

    def start_worker(self) -> Proc:
        self.worker_count += 1
        name = f"worker{self.worker_count}"
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{name}@%h",
            "--concurrency",
            "2",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ]
        self.worker = Proc(name, args, self.env(self.worker_database_url), self.logdir).start()
        self.worker.wait_for_log("ready.")
        return self.worker

    def start_beat(self) -> Proc:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "-s",
            str(self.logdir / "beat-schedule"),
        ]
        self.beat_count += 1
        name = f"beat{self.beat_count}"  # a log of its own: wait for this one's start
        self.beat = Proc(name, args, self.env(), self.logdir).start()
        self.beat.wait_for_log("beat: Starting")
        return self.beat

    def start_all(self) -> None:
        self.start_web()
        self.start_worker()
        self.start_beat()

    def stop_all(self) -> None:
        for proc in (self.beat, self.worker, self.web):
            if proc is not None:
                proc.stop()
        self.redis.stop()

    def audit_verify(self) -> tuple[bool, str]:
        result = subprocess.run(
            [sys.executable, "manage.py", "audit_verify"],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        return result.returncode == 0, (result.stdout + result.stderr).strip()


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"triage_bench_[a-z0-9_]+", name):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases are triage_bench_*")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(nurses: int, webhook_url: str) -> list[dict]:
    """Team north, its nurses (each with a TOTP device), an on-call rotation, a gateway."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Team, TeamMembership, User
    from paging.models import OnCallSchedule, RotationMember, WebhookEndpoint

    team, _ = Team.objects.get_or_create(
        slug=settings.INTAKE_DEFAULT_TEAM, defaults={"name": "North"}
    )
    group = Group.objects.get(name="nurse")
    password = make_password(NURSE_PASSWORD)
    accounts = []
    for n in range(nurses):
        user = User.objects.create(
            username=f"bench-nurse-{n:02d}", password=password, email=f"nurse{n:02d}@bench.example"
        )
        user.groups.add(group)
        TeamMembership.objects.create(user=user, team=team)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        accounts.append({"username": user.username, "key": device.bin_key})
    users = list(User.objects.filter(username__startswith="bench-nurse-").order_by("username"))
    for layer, members in (("primary", users[:1]), ("backup", users[1:2])):
        schedule = OnCallSchedule.objects.create(
            team=team,
            name=f"North {layer}",
            layer=layer,
            rotation="daily",
            starts_on=timezone.localdate() - dt.timedelta(days=3),
            time_zone=settings.TIME_ZONE,
        )
        for position, user in enumerate(members):
            RotationMember.objects.create(schedule=schedule, user=user, position=position)
    WebhookEndpoint.objects.create(name="bench gateway", url=webhook_url, team=team)
    return accounts


def totp_code(key: bytes) -> str:
    from django_otp.oath import totp

    return str(totp(key, 30, 0, 6, 0)).zfill(6)
