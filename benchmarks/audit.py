"""Audit trail figures on PostgreSQL: chained events written per second from 1 and 4
concurrent writers, chain verification speed, and what auditing adds to a view.

    .venv/bin/python benchmarks/audit.py            # uses/creates database triage_bench
    BENCH_DATABASE_URL=postgres://... .venv/bin/python benchmarks/audit.py --events 2000

It creates the database when missing and runs ``migrate`` on it first.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/triage_bench"


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TRIAGE_ENV", "test")
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _write(count: int, label: str, chained: bool = True) -> None:
    from django.db import connection, transaction

    from audit.services import record_access

    if not chained:
        # Baseline: the same number of committed single-row inserts, with no chain lock.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_plain (id bigserial, label text)")
        for n in range(count):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_plain (label) VALUES (%s)", [f"{label}-{n}"])
        return
    for n in range(count):
        record_access(action="view", object_type="bench.Case", object_id=f"{label}-{n}")


def _writer_process(url: str, count: int, label: str, barrier, chained: bool) -> None:
    _setup(url)
    barrier.wait()
    _write(count, label, chained)


def events_per_second(url: str, writers: int, per_writer: int, chained: bool = True) -> float:
    from django.db import connections

    connections.close_all()  # no connection may cross a fork
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers + 1)
    procs = [
        context.Process(target=_writer_process, args=(url, per_writer, f"w{i}", barrier, chained))
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.perf_counter()
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"a writer failed (exit {proc.exitcode})")
    return writers * per_writer / (time.perf_counter() - started)


def view_cost(iterations: int) -> tuple[float, float]:
    """Median microseconds per request of the same view, unaudited and audited."""
    from django.contrib.auth import get_user_model
    from django.http import HttpResponse
    from django.test import RequestFactory

    from accounts.models import Team
    from audit.context import context_from
    from audit.decorators import audited

    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    user, _ = get_user_model().objects.get_or_create(username="bench-nurse")

    def plain(request, pk):
        return HttpResponse(f"<p>{Team.objects.get(pk=pk).name}</p>")

    audited_view = audited("view", "accounts.Team", get_ref=lambda r, pk: (pk, f"T-{pk}"))(plain)
    factory = RequestFactory()

    def timings(view) -> float:
        samples = []
        for _ in range(iterations):
            request = factory.get(f"/console/teams/{team.pk}/", HTTP_USER_AGENT="bench")
            request.user = user
            request.audit_context = context_from(request)
            started = time.perf_counter()
            view(request, pk=team.pk)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1e6

    timings(plain)  # warm up connections and caches
    return timings(plain), timings(audited_view)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events per writer")
    parser.add_argument("--iterations", type=int, default=500, help="view requests per variant")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _ensure_database(url)
    _setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from audit.services import verify_chain

    print(f"database: {url}")
    for writers in (1, 4):
        rate = events_per_second(url, writers, args.events)
        base = events_per_second(url, writers, args.events, chained=False)
        print(
            f"{writers} writer(s): {rate:8.0f} chained events/s ({writers * args.events} events); "
            f"baseline {base:.0f} plain INSERT+COMMIT/s"
        )
    started = time.perf_counter()
    report = verify_chain()
    elapsed = time.perf_counter() - started
    assert report.ok, report
    print(
        f"audit_verify: {report.count} events in {elapsed:.2f} s ({report.count / elapsed:,.0f}/s)"
    )
    plain, with_audit = view_cost(args.iterations)
    print(
        f"view: {plain:7.0f} µs unaudited, {with_audit:7.0f} µs audited "
        f"(+{with_audit - plain:.0f} µs per request, median of {args.iterations})"
    )


if __name__ == "__main__":
    main()
