"""Browser tests: the system Chromium driven by Playwright against pytest-django's live server.

Reusable fixtures and helpers (console, messaging and intake tests share them):

* ``chromium`` (session): a headless Chromium at ``/usr/bin/chromium`` (or
  ``$CHROMIUM_PATH``); every test using it is skipped, saying why, when the binary is
  missing (CI installs it). Never ``playwright install``.
* ``page``: a fresh browser context and page per test (no cookies shared between
  tests), with ``base_url`` set to the live server so ``page.goto("/intake/")`` works.
  Use ``new_page(chromium, live_server, locale="es")`` for a second person (a nurse
  next to a patient) or another language.
* ``axe_check(page, label)``: runs axe-core (vendored, ``tests/e2e/vendor/axe.min.js``,
  4.10) on the current page with the WCAG 2.0/2.1 A and AA rules and fails on any
  serious or critical violation, listing rule, impact and the first offending nodes.
* ``screenshot(page, name, folder="intake")``: full-page PNG into ``test-artifacts/``
  (gitignored; CI uploads it).

Mark browser tests ``pytest.mark.e2e`` and ``pytest.mark.django_db(transaction=True)``
(the live server runs in a thread and needs committed data; the database is flushed
after each test, so create what you need in the test, migrations' data included).
Playwright's sync API runs an event loop in this thread, so Django's async-safety
check is switched off for these tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SOURCE_PATH = Path(__file__).with_name("vendor") / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: browser tests need the system Chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(chromium, live_server, *, locale: str = "en-US"):
    context = chromium.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(chromium, live_server):
    page = new_page(chromium, live_server)
    yield page
    page.context.close()


def screenshot(page, name: str, folder: str = "intake") -> Path:
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_check(page, label: str = "") -> list[dict]:
    """Fail on serious or critical axe-core violations (WCAG 2.0/2.1 A and AA)."""
    # Evaluated through the DevTools protocol: the page's strict CSP stays in force.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE_PATH.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in bad
    ]
    assert not bad, f"axe on {label or page.url}:\n{json.dumps(summary, indent=2)}"
    return results["violations"]
