"""The virtual users of the benchmarks: patients and nurses over HTTP, and the figures.

Each person is an httpx.AsyncClient with its own cookies that goes through the real
pages as a browser does: GET the page, POST it back with its CSRF token and the spam
guard's signed time. Every request is timed under an endpoint name.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

from benchmarks._harness import NURSE_PASSWORD, say, totp_code

ORDINARY_REASONS = [
    "I would like an appointment to talk about stress at work and trouble sleeping.",
    "My doctor suggested I get an assessment for anxiety. When could I be seen?",
    "I have felt low for a few months and would like to talk to someone.",
]
CRISIS_REASON = "I do not want to live anymore and I have thought about how to end my life."
MESSAGES = [
    "What are your opening hours?",
    "Can I change the phone number you have for me?",
    "When will someone call me back?",
]


# ---- measuring -------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    timeline: list[tuple[float, str, bool]] = field(default_factory=list)
    # The body of every 5xx page a person was shown (checked for "please try again").
    error_pages: list[str] = field(default_factory=list)

    def record(self, endpoint: str, seconds: float, error: str | None) -> None:
        self.latencies[endpoint].append(seconds)
        self.timeline.append((time.time(), endpoint, error is None))
        if error:
            self.errors[endpoint].append(error)

    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def errors_between(self, start: float, end: float) -> int:
        return sum(1 for t, _e, ok in self.timeline if start <= t <= end and not ok)

    def requests_between(self, start: float, end: float) -> int:
        return sum(1 for t, _e, _ok in self.timeline if start <= t <= end)

    def report(self, seconds: float) -> None:
        say(
            f"\n{'endpoint':<34}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        )
        for endpoint in sorted(self.latencies):
            values = sorted(self.latencies[endpoint])
            say(
                f"{endpoint:<34}{len(values):>9}{len(self.errors[endpoint]):>8}"
                f"{pct(values, 50):>9.0f}{pct(values, 95):>9.0f}{pct(values, 99):>9.0f}"
            )
        total = self.total()
        errors = sum(len(v) for v in self.errors.values())
        say(f"{'all':<34}{total:>9}{errors:>8}")
        say(
            f"\nthroughput: {total / seconds:.1f} requests/s over {seconds:.0f} s; errors: {errors}"
        )
        kinds: dict[str, int] = defaultdict(int)
        for values in self.errors.values():
            for error in values:
                kinds[error] += 1
        for error, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:8]:
            say(f"  {count:>5} x {error}")


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index] * 1000


def median_s(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


# ---- the virtual users -----------------------------------------------------------

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SHOWN = re.compile(r'name="shown_at" value="([^"]+)"')
_DOCUMENT = re.compile(r'name="document" value="(\d+)"')
_REFERENCE = re.compile(r'class="reference-code">([^<]+)<')
_TOKEN = re.compile(r"/intake/status/([A-Za-z0-9_\-]{20,})/")
_CASE = re.compile(r"/console/cases/([0-9a-f\-]{36})/")


class RequestFailed(Exception):
    pass


class PageGone(Exception):
    """The page now redirects elsewhere (the draft was sent or discarded meanwhile)."""


class Browser:
    """One person's browser: cookies, and every request timed under an endpoint name."""

    def __init__(self, base_url: str, stats: Stats) -> None:
        import httpx

        self.http = httpx.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False)
        self.stats = stats

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, endpoint, method, url, expect=(200,), **kwargs):
        import httpx

        start = time.perf_counter()
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.stats.record(endpoint, time.perf_counter() - start, type(exc).__name__)
            raise RequestFailed(type(exc).__name__) from exc
        elapsed = time.perf_counter() - start
        if response.status_code not in expect:
            self.stats.record(endpoint, elapsed, f"HTTP {response.status_code} on {endpoint}")
            if response.status_code >= 500:
                self.stats.error_pages.append(response.text)
            raise RequestFailed(f"HTTP {response.status_code}")
        self.stats.record(endpoint, elapsed, None)
        return response

    async def form(self, endpoint: str, url: str, data: dict, expect=(302,)):
        """GET the page, then POST it as the browser does (CSRF token, signed time)."""
        page = await self.call(f"GET {endpoint}", "GET", url, expect=(200, 302))
        if page.status_code == 302:
            raise PageGone(page.headers["location"])
        payload = dict(data)
        if m := _CSRF.search(page.text):
            payload["csrfmiddlewaretoken"] = m.group(1)
        if m := _SHOWN.search(page.text):
            payload["shown_at"] = m.group(1)
        if "document" in payload and payload["document"] is None:
            payload["document"] = _DOCUMENT.search(page.text).group(1)
        return await self.call(f"POST {endpoint}", "POST", url, expect=expect, data=payload)


def intake_answers(crisis: bool, n: int) -> list[tuple[str, str, dict]]:
    phq9 = {f"q{i}": str(random.choice([0, 1, 1, 2])) for i in range(1, 10)}
    phq9["q9"] = "3" if crisis else "0"
    asq = {f"q{i}": "no" for i in range(1, 5)}
    if crisis:
        asq["q1"] = "yes"
    steps = [
        ("consent", "/intake/consent/", {"document": None, "agree": "on"}),
        (
            "contact",
            "/intake/step/contact/",
            {
                "full_name": f"Bench Patient {n}",
                "date_of_birth": "1988-06-15",
                "phone": f"555-01{n % 100:02d}-{n % 10000:04d}",
                "email": f"patient{n}@bench.example",
                "preferred_contact": "email",
                "voicemail_ok": "no",
            },
        ),
        (
            "reason",
            "/intake/step/reason/",
            {"reason": CRISIS_REASON if crisis else random.choice(ORDINARY_REASONS)},
        ),
        ("phq9", "/intake/step/phq9/", phq9),
        ("gad7", "/intake/step/gad7/", {f"q{i}": "1" for i in range(1, 8)}),
        ("asq", "/intake/step/asq/", asq),
    ]
    if crisis:
        steps.append(("asq_now", "/intake/step/asq_now/", {"q5": "yes"}))
    steps.append(("demographics", "/intake/step/demographics/", {"age_band": "35_44"}))
    return steps


@dataclass
class Ledger:
    """What the clients know they got stored: checked against the database afterwards."""

    intakes: dict[str, bool] = field(default_factory=dict)  # reference -> crisis expected
    messages: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    crisis_sent_at: dict[str, float] = field(default_factory=dict)
    unconfirmed_submits: int = 0
    retries: int = 0


async def patient(base_url, stats, ledger, n, crisis, messages, think, stop_at, retry=False):
    """One patient: the whole intake, then ``messages`` messages through the status link.

    With ``retry`` a failed page is sent again (as a person would after "please try
    again") until it goes through or the run ends; otherwise the patient gives up.
    """
    browser = Browser(base_url, stats)
    try:
        await browser.call("GET /intake/", "GET", "/intake/")
        for key, url, data in intake_answers(crisis, n):
            await _persist(browser.form, (f"/intake/ {key}", url, data), retry, ledger, stop_at)
            await asyncio.sleep(think)
        try:
            response = await _persist(
                browser.form, ("/intake/ review", "/intake/step/review/", {}), retry, ledger,
                stop_at,
            )  # fmt: skip
        except PageGone:
            # The send went through but its answer was lost (the database went away
            # after the commit): the draft is gone, the patient never saw the reference.
            ledger.unconfirmed_submits += 1
            return
        sent_at = time.time()
        target = response.headers["location"]
        if not target.startswith(("/intake/crisis/", "/intake/sent/")):
            ledger.unconfirmed_submits += 1
            return
        done = await browser.call(f"GET {target}", "GET", target)
        reference = _REFERENCE.search(done.text).group(1).strip()
        ledger.intakes[reference] = crisis
        if crisis:
            ledger.crisis_sent_at[reference] = sent_at
        token = _TOKEN.search(done.text).group(1)
        url = f"/intake/status/{token}/conversation/"
        for m in range(messages):
            await asyncio.sleep(think)
            body = f"{random.choice(MESSAGES)} (message {m + 1})"
            await _persist(
                browser.form,
                ("/intake/status/ conversation", url, {"body": body}, (200,)),
                retry,
                ledger,
                stop_at,
            )
            ledger.messages[reference] += 1
    except (RequestFailed, PageGone):
        pass
    finally:
        await browser.close()


async def _persist(call, args, retry, ledger, stop_at):
    while True:
        try:
            return await call(*args)
        except RequestFailed:
            if not retry or time.time() > stop_at + 120:
                raise
            ledger.retries += 1
            await asyncio.sleep(2)


async def nurse(base_url, stats, account, poll, stop_at, retry=False):
    """Sign in with password and TOTP, then poll the queue and open cases until stop_at."""
    browser = Browser(base_url, stats)
    try:
        while True:
            try:
                login = await browser.form(
                    "/accounts/login/",
                    "/accounts/login/",
                    {"username": account["username"], "password": NURSE_PASSWORD},
                )
                verify = login.headers["location"]
                await browser.form(
                    "/accounts/verify/", verify, {"token": totp_code(account["key"])}
                )
                break
            except RequestFailed:
                if not retry or time.time() > stop_at:
                    return
                await asyncio.sleep(31)  # a TOTP code is good once: wait for the next
        headers = {"HX-Request": "true", "X-Background-Poll": "1"}
        while time.time() < stop_at:
            try:
                rows = await browser.call(
                    "GET /console/queue/rows/", "GET", "/console/queue/rows/", headers=headers
                )
                cases = _CASE.findall(rows.text)
                if cases and random.random() < 0.5:
                    case = random.choice(cases)
                    await browser.call("GET /console/cases/<id>/", "GET", f"/console/cases/{case}/")
            except RequestFailed:
                pass
            await asyncio.sleep(poll * random.uniform(0.8, 1.2))
    finally:
        await browser.close()


async def run_load(
    system,
    accounts,
    *,
    patients,
    nurses,
    duration,
    crisis_every,
    messages,
    think,
    poll,
    stats,
    ledger,
    retry=False,
    during=None,
):
    """``patients`` patients at a time (each finished one is replaced) and ``nurses``
    nurses for ``duration`` seconds; ``during`` is an optional coroutine run alongside."""
    stop_at = time.time() + duration
    counter = iter(range(10**9))

    async def patient_slot():
        while time.time() < stop_at:
            n = next(counter)
            crisis = crisis_every > 0 and n % crisis_every == 0
            await patient(
                system.base_url, stats, ledger, n, crisis, messages, think, stop_at, retry
            )

    tasks = [asyncio.create_task(patient_slot()) for _ in range(patients)]
    tasks += [
        asyncio.create_task(
            nurse(system.base_url, stats, accounts[i % len(accounts)], poll, stop_at, retry)
        )
        for i in range(nurses)
    ]
    if during is not None:
        tasks.append(asyncio.create_task(during))
    await asyncio.gather(*tasks)


# ---- checking --------------------------------------------------------------------
