"""Load: 50 patients sending intakes and messages while 20 nurses work the queue.

    .venv/bin/python benchmarks/load.py                 # 3 minutes
    .venv/bin/python benchmarks/load.py --duration 60   # shorter

Real processes: gunicorn with 2 workers, a Celery worker (concurrency 2) and beat, on
the PostgreSQL database triage_bench_load (dropped and migrated first;
BENCH_DATABASE_URL to change it) and a private redis-server on a free port (its own
queue; the shared Redis on 6379 is not touched). Patients go through the whole
multi-step /intake/ over HTTP (consent, every page, send), one in ``--crisis-every``
with crisis answers, then write messages through their status link; nurses sign in
with password and TOTP, poll the queue every ``--poll`` seconds as the console does and
open cases. It prints requests per second and p50/p95/p99 per endpoint, then checks
that every intake and message the patients saw accepted is in the database, that every
crisis got a delivered page and none was sent twice, and that the audit chain verifies.
Exit status 0 only when nothing was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

# The project root, not this folder, first on the path (benchmarks/audit.py would
# shadow the audit app).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks._checks import check_nothing_lost  # noqa: E402
from benchmarks._harness import System, say  # noqa: E402
from benchmarks._traffic import Ledger, Stats, run_load  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/triage_bench_load"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load")
    parser.add_argument("--patients", type=int, default=50, help="concurrent patients")
    parser.add_argument("--nurses", type=int, default=20, help="concurrent nurses")
    parser.add_argument("--crisis-every", type=int, default=5, help="1 intake in N is a crisis")
    parser.add_argument("--messages", type=int, default=2, help="messages per patient")
    parser.add_argument("--think", type=float, default=1.0, help="patient pause between pages")
    parser.add_argument("--poll", type=float, default=5.0, help="nurse queue poll interval")
    args = parser.parse_args()

    system = System("bench-load", os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    say(f"preparing {system.database_url} (logs in {system.logdir})")
    accounts = system.prepare(args.nurses)
    try:
        system.start_all()
        say(f"gunicorn (2 workers) on {system.base_url}, worker and beat on queue {system.queue}")
        say(
            f"load: {args.patients} patients, {args.nurses} nurses, {args.duration:.0f} s, "
            f"1 crisis in {args.crisis_every}, {args.messages} messages each"
        )
        stats, ledger = Stats(), Ledger()
        started = time.time()
        asyncio.run(
            run_load(
                system,
                accounts,
                patients=args.patients,
                nurses=args.nurses,
                duration=args.duration,
                crisis_every=args.crisis_every,
                messages=args.messages,
                think=args.think,
                poll=args.poll,
                stats=stats,
                ledger=ledger,
            )
        )
        stats.report(time.time() - started)
        say(
            f"patients who sent an intake: {len(ledger.intakes)} "
            f"({sum(ledger.intakes.values())} with crisis answers)"
        )
        ok = check_nothing_lost(system, ledger)
    finally:
        system.stop_all()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
