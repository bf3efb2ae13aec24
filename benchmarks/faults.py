"""Faults under load: Redis down, the database down, a worker SIGKILLed, beat restarted.

    .venv/bin/python benchmarks/faults.py                      # about 3 minutes
    .venv/bin/python benchmarks/faults.py --restart-postgres   # really restarts PostgreSQL

The same real processes as benchmarks/load.py (database triage_bench_faults, a private
redis-server, gunicorn with 2 workers, a Celery worker and beat) under a smaller load
in which patients behave as the error page asks: on "please try again" they send the
same page again. One fault at a time, with a quiet spell between:

1. Redis (the private one; never the shared 6379) stopped for ``--redis-down`` seconds.
2. The database gone for ``--db-down`` seconds for the web and worker processes: by
   default they reach PostgreSQL through a TCP proxy started here, which cuts every
   open connection and refuses new ones, the way a database restart looks to a
   client, while the shared PostgreSQL keeps serving everyone else on this machine.
   ``--restart-postgres`` instead restarts the real server (``pg_ctlcluster``), which
   breaks every other connection on the machine: only on a machine of your own.
3. The Celery worker killed with SIGKILL; a new one starts ``--worker-gap`` seconds later
   (as systemd would restart it).
4. Celery beat stopped and started again.

For each fault it prints the errors patients saw and the delay of the pages raised
around it; it checks every 5xx page patients saw was the "please try again" page (no
stack trace); and at the end that every intake and message the patients saw accepted
is stored, every crisis got a page, no page step was notified twice, and the audit
chain verifies. Exit status 0 only when nothing was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # not benchmarks/ (audit.py)

from benchmarks._checks import check_nothing_lost  # noqa: E402
from benchmarks._harness import System, TcpProxy, say  # noqa: E402
from benchmarks._traffic import Ledger, Stats, median_s, pct, run_load  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/triage_bench_faults"


class Timeline:
    def __init__(self) -> None:
        self.faults: list[tuple[str, float, float]] = []

    def add(self, name: str, start: float, end: float) -> None:
        self.faults.append((name, start, end))
        say(f"  [{time.strftime('%H:%M:%S', time.gmtime())} UTC] {name}: {end - start:.0f} s")


async def inject(system: System, proxy: TcpProxy | None, args, timeline: Timeline) -> None:
    """The faults, one after another, while the load runs."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(args.warmup)

    start = time.time()
    system.redis.proc.stop()
    await asyncio.sleep(args.redis_down)
    system.redis.start()  # the same port, empty (no persistence): queued tasks are gone
    timeline.add("Redis down", start, time.time())
    await asyncio.sleep(args.quiet)

    start = time.time()
    if proxy is not None:
        proxy.outage()
        await asyncio.sleep(args.db_down)
        proxy.restore()
    else:
        await loop.run_in_executor(None, restart_postgres)
    timeline.add("database down" if proxy else "PostgreSQL restarted", start, time.time())
    await asyncio.sleep(args.quiet)

    start = time.time()
    system.worker.kill()  # SIGKILL: no warm shutdown, tasks in hand are not acknowledged
    await asyncio.sleep(args.worker_gap)
    await loop.run_in_executor(None, system.start_worker)
    timeline.add("worker SIGKILLed, new one started", start, time.time())
    await asyncio.sleep(args.quiet)

    start = time.time()
    system.beat.stop()
    await loop.run_in_executor(None, system.start_beat)
    timeline.add("beat restarted", start, time.time())


def restart_postgres() -> None:
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    version, name = clusters.stdout.split()[:2]
    subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True)


def fault_costs(stats: Stats, timeline: Timeline) -> None:
    from paging.models import Page

    say(f"\n{'fault':<36}{'requests':>9}{'errors':>8}{'pages':>7}{'delay med':>11}{'max':>7}")
    for name, start, end in timeline.faults:
        window = (start, end + 10)
        pages = [
            p
            for p in Page.objects.all()
            if start - 10 <= p.created_at.timestamp() <= end + 10 and p.first_notified_at
        ]
        delays = [(p.first_notified_at - p.created_at).total_seconds() for p in pages]
        say(
            f"{name:<36}{stats.requests_between(*window):>9}{stats.errors_between(*window):>8}"
            f"{len(pages):>7}{median_s(delays):>10.1f}s{max(delays, default=0):>6.1f}s"
        )
    say("(errors: requests that failed while the fault lasted and 10 s after; pages: raised")
    say(" from 10 s before to 10 s after, delay from raised to first notification sent)")
    all_delays = [
        (p.first_notified_at - p.created_at).total_seconds()
        for p in Page.objects.exclude(first_notified_at=None)
    ]
    if all_delays:
        say(
            f"all pages: median {median_s(all_delays):.1f} s,"
            f" p95 {pct(all_delays, 95) / 1000:.1f} s"
        )


def check_error_pages(stats: Stats) -> bool:
    shown = stats.error_pages
    bad = [html for html in shown if "Please try again" not in html or "Traceback" in html]
    say(
        f"\n5xx pages shown to people: {len(shown)}; 'please try again' page: "
        f"{len(shown) - len(bad)}; anything else (a stack trace, a blank page): {len(bad)}"
    )
    for html in bad[:3]:
        say("  " + " ".join(html.split())[:300])
    return not bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=10)
    parser.add_argument("--nurses", type=int, default=5)
    parser.add_argument("--crisis-every", type=int, default=3)
    parser.add_argument("--messages", type=int, default=1)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--poll", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--quiet", type=float, default=20, help="seconds between faults")
    parser.add_argument("--redis-down", type=float, default=30)
    parser.add_argument("--db-down", type=float, default=20)
    parser.add_argument("--worker-gap", type=float, default=10)
    parser.add_argument(
        "--restart-postgres",
        action="store_true",
        help="restart the real PostgreSQL server (breaks everyone else's connections)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    proxy = None
    web_url = database_url
    if not args.restart_postgres:
        db = urlparse(database_url)
        proxy = TcpProxy(db.hostname or "127.0.0.1", db.port or 5432)
        proxy.start()
        web_url = db._replace(netloc=f"{db.username}@127.0.0.1:{proxy.port}").geturl()
    system = System("bench-faults", database_url, web_database_url=web_url)
    system.worker_database_url = web_url
    say(f"preparing {database_url} (logs in {system.logdir})")
    accounts = system.prepare(args.nurses)
    try:
        system.start_all()
        say(f"gunicorn (2 workers) on {system.base_url}; web and worker reach PostgreSQL "
            + (f"through the proxy on port {proxy.port}" if proxy else "directly"))  # fmt: skip
        duration = (
            args.warmup + args.redis_down + args.db_down + args.worker_gap + 3 * args.quiet + 40
        )
        say(f"load: {args.patients} patients, {args.nurses} nurses for {duration:.0f} s; faults:")
        stats, ledger, timeline = Stats(), Ledger(), Timeline()
        started = time.time()
        asyncio.run(
            run_load(
                system, accounts, patients=args.patients, nurses=args.nurses,
                duration=duration, crisis_every=args.crisis_every, messages=args.messages,
                think=args.think, poll=args.poll, stats=stats, ledger=ledger, retry=True,
                during=inject(system, proxy, args, timeline),
            )
        )  # fmt: skip
        stats.report(time.time() - started)
        say(f"patients' retries after an error: {ledger.retries}")
        pages_ok = check_error_pages(stats)
        ok = check_nothing_lost(system, ledger, drain_seconds=120, faults=True)
        fault_costs(stats, timeline)
    finally:
        system.stop_all()
    return 0 if ok and pages_ok else 1


if __name__ == "__main__":
    sys.exit(main())
