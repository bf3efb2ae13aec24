"""Crisis paging end to end: 200 crisis intakes through HTTP, 20 at a time, to a real
web server (gunicorn, 2 workers) with a real Celery worker (2 processes) and beat on
Redis; prints p50/p95/p99 of the time from saving the step where the patient wrote the
crisis (the reason for contact) to the first notification sent, checks that every page
was sent and that no case was paged twice.

Half the patients close the tab on the crisis screen (the nurse must still be paged);
the other half go back to the form, answer every page and send it (the same case, no
second page).

    .venv/bin/python benchmarks/paging.py
    .venv/bin/python benchmarks/paging.py --intakes 50 --concurrency 10

It (re)creates the database ``triage_bench_paging`` (BENCH_PAGING_DATABASE_URL),
migrates it, puts a nurse on call for the intake team with a signed webhook to a
local gateway (an http.server in this process that checks the HMAC), starts the
three processes on a queue of its own (CELERY_BROKER_URL, default Redis on 6379), and
stops them at the end. Each client thread walks the whole patient intake (consent,
every page, review) with crisis answers, like a browser would.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/triage_bench_paging"
SECRET = "bench-paging-webhook-secret"  # noqa: S105 - a benchmark-only key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


class Gateway:
    """A local SMS/voice gateway stand-in: verifies the signature, records arrivals."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.bad_signatures = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ts = self.headers.get("X-Paging-Timestamp", "")
                expected = (
                    "v1="
                    + hmac.new(
                        SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                )
                if not hmac.compare_digest(expected, self.headers.get("X-Paging-Signature", "")):
                    gateway.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                reference = json.loads(body).get("reference", "")
                gateway.arrivals.setdefault(reference, time.time())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(gateway_url: str) -> None:
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Team, TeamMembership, User
    from paging.models import OnCallSchedule, RotationMember, WebhookEndpoint

    team, _ = Team.objects.get_or_create(slug="north", defaults={"name": "North Clinic"})
    nurse = User.objects.create(username="bench-nurse", email="nurse@clinic.example")
    nurse.groups.add(Group.objects.get(name="nurse"))
    TeamMembership.objects.create(user=nurse, team=team)
    schedule = OnCallSchedule.objects.create(
        team=team,
        name="Bench primary",
        layer=OnCallSchedule.Layer.PRIMARY,
        rotation=OnCallSchedule.Rotation.DAILY,
        starts_on=timezone.localdate() - dt.timedelta(days=2),
    )
    RotationMember.objects.create(schedule=schedule, user=nurse, position=0)
    WebhookEndpoint.objects.create(name="bench gateway", url=gateway_url, team=team)


class Browser:
    """Just enough of a browser for the intake: cookies, CSRF, the spam guard's token."""

    FIELD = re.compile(r'name="(csrfmiddlewaretoken|shown_at|document)" value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.fields: dict[str, str] = {}

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            html = response.read().decode()
        self.fields.update(self.FIELD.findall(html))
        return html

    def post(self, path: str, data: dict) -> str:
        payload = {**self.fields, **data}
        body = urllib.parse.urlencode(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - the local server
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=60) as response:
            html = response.read().decode()
        self.fields.update(self.FIELD.findall(html))
        return html


CRISIS_PAGES = [
    ("contact", {
        "full_name": "Benchmark Patient", "date_of_birth": "1990-01-01",
        "phone": "555-010-0000", "email": "bench@example.org",
        "preferred_contact": "phone", "voicemail_ok": "no",
    }),
    ("reason", {"reason": "I'm going to end it tonight, the pills are counted out."}),
    ("phq9", {**{f"q{n}": "1" for n in range(1, 9)}, "q9": "3"}),
    ("gad7", {f"q{n}": "2" for n in range(1, 8)}),
    ("asq", {"q1": "no", "q2": "no", "q3": "yes", "q4": "no"}),
    ("asq_now", {"q5": "yes"}),
    ("demographics", {"age_band": "35_44", "gender": "prefer_not", "preferred_language": "en"}),
]  # fmt: skip

REFERENCE = re.compile(r'class="reference-code">([A-Z0-9]{4}-[A-Z0-9]{4})<')


def one_intake(base: str, trace: bool = False, n: int = 0) -> tuple[str, float]:
    """Walk the intake; returns (case reference, time the crisis step was sent).

    Odd-numbered patients close the tab on the crisis screen; the others go on and send.
    """
    browser = Browser(base)
    timings = []

    def timed(label, call, *args):
        start = time.time()
        result = call(*args)
        timings.append(f"{label} {time.time() - start:.3f}s")
        return result

    timed("consent page", browser.get, "/intake/consent/")
    timed("consent", browser.post, "/intake/consent/", {"agree": "on"})
    crisis_at, reference = None, None
    for key, data in CRISIS_PAGES:
        if key == "reason":
            crisis_at = time.time()
        # Each form carries a spam-guard token bound to its own page: open it first, as a
        # browser does. The post follows the redirect (to the crisis screen, at the crisis).
        browser.get(f"/intake/step/{key}/")
        html = timed(key, browser.post, f"/intake/step/{key}/", data)
        if key == "reason":
            match = REFERENCE.search(html)
            if match is None:
                raise RuntimeError("no crisis screen after the crisis step")
            reference = match.group(1)
            if n % 2:
                return reference, crisis_at  # the tab is closed here
    browser.get("/intake/step/review/")
    html = timed("review+submit", browser.post, "/intake/step/review/", {})
    if trace:
        print("warm-up intake, one request at a time: " + ", ".join(timings))
    if reference not in html:
        raise RuntimeError("the sent intake did not join the case of its crisis step")
    return reference, crisis_at


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local URL
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--intakes", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--warmup", type=int, default=20, help="intakes sent first and not measured (default 20)"
    )
    args = parser.parse_args()

    db_url = os.environ.get("BENCH_PAGING_DATABASE_URL", DEFAULT_DB)
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    queue = f"bench-paging-{uuid.uuid4().hex[:8]}"
    gateway = Gateway()
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        CELERY_BROKER_URL=broker,
        CELERY_QUEUE=queue,  # a queue of its own: no other worker on this Redis takes it
        TRIAGE_ENV="test",
        DEBUG="false",
        PAGING_WEBHOOK_SECRET=SECRET,
        EMAIL_URL="dummymail://",
        INTAKE_MIN_FILL_SECONDS="0",
        INTAKE_RATE_LIMIT_POSTS="1000000",
        # 200 patients from one address would share one page (flood grouping): each
        # is measured on its own page here.
        PAGING_GROUP_WINDOW_MINUTES="0",
        INTAKE_DEFAULT_TEAM="north",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    os.environ.update(
        DATABASE_URL=db_url, TRIAGE_ENV="test", DJANGO_SETTINGS_MODULE="config.settings"
    )

    print(f"database {db_url}, broker {broker}, queue {queue}")
    recreate_database(db_url)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    seed(gateway.url)

    port = free_port()
    logs = ROOT / "var" / "bench-paging"
    logs.mkdir(parents=True, exist_ok=True)
    commands = {
        "web": [python, "-m", "gunicorn", "-c", "config/gunicorn_conf.py",
                "config.wsgi:application", "--workers", "2",
                "--threads", "4", "--bind", f"127.0.0.1:{port}"],
        "worker": [python, "-m", "celery", "-A", "config", "worker", "-Q", queue,
                   "--concurrency", "2", "--without-mingle", "--without-gossip",
                   "--loglevel", os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING")],
        "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "WARNING",
                 "-s", str(logs / "beat-schedule")],
    }  # fmt: skip
    processes = {
        name: subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=open(logs / f"{name}.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        for name, cmd in commands.items()
    }
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/intake/")
        time.sleep(2)  # the worker connects to the broker
        warm_ref, _at = one_intake(base, trace=True)
        # Every web and worker process pays its first-request costs (imports, the crisis
        # lexicon, translation catalogues) once; a warm-up round keeps them out of the figures.
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            warm = dict(pool.map(lambda n: one_intake(base, n=n), range(args.warmup)))
        wait_sent(set(warm) | {warm_ref})
        print(f"warm-up: {args.warmup + 1} intakes sent (not measured)")
        print(f"submitting {args.intakes} crisis intakes, {args.concurrency} at a time ...")
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(lambda n: one_intake(base, n=n), range(args.intakes)))
        print(f"all submitted in {time.time() - started:.1f} s")
        submitted = dict(results)
        report(submitted, gateway, warm_ref)
    finally:
        for proc in processes.values():
            proc.terminate()
        for proc in processes.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def wait_sent(references: set[str], timeout: float = 120) -> None:
    from paging.models import Page

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = Page.objects.filter(reference__in=references, first_notified_at__isnull=False)
        if done.count() == len(references):
            return
        time.sleep(0.5)


def report(submitted: dict[str, float], gateway: Gateway, warm_ref: str) -> None:
    from paging.models import Page

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pages = list(
            Page.objects.filter(reference__in=submitted).values_list(
                "reference", "first_notified_at", "created_at"
            )
        )
        sent = {ref: at for ref, at, _raised in pages if at is not None}
        raised = {ref: created for ref, _at, created in pages}
        received = sum(1 for ref in submitted if ref in gateway.arrivals)
        if len(sent) == len(submitted) == received:
            break
        time.sleep(0.5)
    first = [sent[ref].timestamp() - at for ref, at in submitted.items() if ref in sent]
    hook = [gateway.arrivals[ref] - at for ref, at in submitted.items() if ref in gateway.arrivals]
    print(f"pages raised: {len(pages)} for {len(submitted)} cases (one each expected)")
    in_web = [raised[ref].timestamp() - at for ref, at in submitted.items() if ref in raised]
    in_worker = [sent[ref].timestamp() - raised[ref].timestamp() for ref in sent]
    for label, values in (
        ("  of which: crisis step sent -> page row written (web request)", in_web),
        ("  of which: page row written -> first notification sent (worker)", in_worker),
        ("crisis step sent -> first notification sent (any channel)", first),
        ("crisis step sent -> signed webhook received by the gateway", hook),
    ):
        if values:
            print(
                f"{label}: p50 {percentile(values, 50):.3f} s, p95 {percentile(values, 95):.3f} s, "
                f"p99 {percentile(values, 99):.3f} s, max {max(values):.3f} s"
            )
    print(f"first notification sent: {len(sent)} of {len(submitted)}")
    print(f"webhook received (HMAC verified): {received} of {len(submitted)}")
    if gateway.bad_signatures:
        print(f"bad signatures: {gateway.bad_signatures}")
    ok = len(sent) == len(submitted) == received == len(pages) and warm_ref in gateway.arrivals
    print("ALL SENT" if ok else "NOT ALL SENT")


if __name__ == "__main__":
    sys.exit(main())
