"""Make sure PostgreSQL and Redis answer before the suite runs.

Starts a local service that is installed but stopped; otherwise exits non-zero with a
message naming the missing service. The suite never falls back to SQLite.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import psycopg
import psycopg.sql
import redis


def postgres_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        psycopg.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        return False
    return True


def ensure_database(url: str) -> None:
    """Create the database named in the URL (migration checks connect to it)."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.exceptions.RedisError:
        return False


def start_postgres() -> None:
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if versions and shutil.which("pg_ctlcluster"):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=False,
        )


def start_redis(url: str) -> None:
    parsed = urlparse(url)
    if shutil.which("redis-server"):
        subprocess.run(
            [
                "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
                "--port", str(parsed.port or 6379), "--save", "", "--appendonly", "no",
            ],
            check=False,
        )  # fmt: skip


def ensure(name: str, answers, start, url: str) -> bool:
    if answers(url):
        return True
    print(f"{name} does not answer at {url}; trying to start it.", file=sys.stderr)
    start()
    for _ in range(30):
        if answers(url):
            return True
        time.sleep(0.5)
    print(
        f"ERROR: {name} is not running at {url} and could not be started. "
        f"Install and start {name}; the test suite needs the real service.",
        file=sys.stderr,
    )
    return False


def main() -> int:
    database_url, broker_url = sys.argv[1], sys.argv[2]
    ok = ensure("PostgreSQL", postgres_answers, start_postgres, database_url)
    ok = ensure("Redis", redis_answers, lambda: start_redis(broker_url), broker_url) and ok
    if ok:
        ensure_database(database_url)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
