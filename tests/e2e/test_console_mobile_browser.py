"""The console on a phone and on a desktop (issue 17), in Chromium at 390x844 and 1366x900.

The queue, the case page and the paging pages (on call, a page, the acknowledge link of
a notification) must not scroll sideways, must pass axe-core (no serious or critical
violation), and on the phone every control must be a tap target at least 44 px tall.
The case page reads summary, then actions, then details. Screenshots go to
test-artifacts/console-mobile/.
"""

from __future__ import annotations

import pytest
from django.test import Client

from intake.submission import case_open_from_intake
from paging.models import AckLink, Page
from paging.services.links import ack_token
from paging.tasks import deliver_page
from tests.e2e.conftest import axe_check, screenshot
from tests.factories.accounts import login_verified
from tests.factories.cases import make_intake
from tests.factories.console import ensure_roles, make_triaged_case
from tests.factories.paging import make_oncall_team

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SIZES = [pytest.param(PHONE, id="390x844"), pytest.param(DESKTOP, id="1366x900")]
TAP_TARGET_PX = 44

# One sentence that raises several signals: on the case page it is one item to review.
CRISIS_TEXT = (
    "I have not slept properly for weeks and work is falling apart. "
    "I want to kill myself, I bought a rope and I will do it tonight. "
    "My email is jordan.rivera.longaddress@example-clinic-domain.org if you cannot call."
)

# Every control a finger may need, rendered and on screen (not visually hidden, not the
# skip link parked off screen until focused). A link inside a sentence is exempt, as in
# WCAG 2.5.5; a checkbox's target is its label row.
SMALL_TARGETS_JS = """(minimum) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0) continue;
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline'
        && el.parentElement.textContent.trim().length > el.textContent.trim().length) continue;
    let target = el;
    if (el.type === 'checkbox' || el.type === 'radio') target = el.parentElement;
    const height = target.getBoundingClientRect().height;
    if (height < minimum) {
      small.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} "${
        (el.textContent || el.name || '').trim().slice(0, 40)}" ${height.toFixed(1)}px`);
    }
  }
  return small;
}"""


@pytest.fixture
def console(chromium, live_server):
    """A nurse on call with a crisis case (paged), two other cases, signed in with MFA."""
    ensure_roles()  # the live-server database is flushed between tests
    team, nurse, _backup, _supervisor = make_oncall_team("north")
    make_triaged_case(team, acuity="routine")
    make_triaged_case(team, acuity="soon", crisis=True)
    intake = make_intake(
        team=team,
        full_name="Jordan Alexander Rivera-Montgomery",
        phone="+1 555 0199",
        email="jordan.rivera.longaddress@example-clinic-domain.org",
        preferred_contact="phone",
        reason=CRISIS_TEXT,
        answers={"phq9": [2, 2, 2, 1, 1, 2, 1, 1, 2], "gad7": [1, 1, 1, 0, 1, 1, 0]},
    )
    case = case_open_from_intake(intake=intake).case
    crisis_page = Page.objects.get(case=case)
    for n in range(2):  # more crisis pages: the alerts above the queue stack up
        other = make_intake(team=team, reason=f"Case {n}: I want to end my life.")
        deliver_page(str(Page.objects.get(case=case_open_from_intake(intake=other).case).pk))
    deliver_page(str(crisis_page.pk))  # what the worker does: the console alert is sent
    link = AckLink.objects.create(page=crisis_page, user=nurse)
    staff_client = Client()
    login_verified(staff_client, nurse)
    return {
        "case": case,
        "page": crisis_page,
        "ack_url": f"/paging/ack/{ack_token(link.pk)}/",
        "session": staff_client.cookies["sessionid"].value,
    }


def open_page(chromium, live_server, viewport, session: str):
    # The phone is emulated as one (touch, and the page's <meta name="viewport"> obeyed:
    # without it a phone lays the page out 980 px wide and shrinks it).
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 3}
    context = chromium.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale="en-US",
        **(phone if viewport is PHONE else {}),
    )
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context.new_page()


def check_layout(page, viewport, name: str) -> None:
    """No sideways scroll, 44 px targets on a phone, axe clean; then a screenshot."""
    size = f"{viewport['width']}x{viewport['height']}"
    meta = page.locator("meta[name=viewport]")
    assert meta.get_attribute("content") == "width=device-width, initial-scale=1"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} at {size} scrolls sideways: {width}"
    if viewport is PHONE:
        small = page.evaluate(SMALL_TARGETS_JS, TAP_TARGET_PX)
        assert not small, f"{name} at {size}: tap targets under {TAP_TARGET_PX}px: {small}"
    axe_check(page, f"{name} at {size}")
    screenshot(page, f"{size}-{name}", folder="console-mobile")


@pytest.mark.parametrize("viewport", SIZES)
def test_the_queue_fits_the_screen_most_pressing_first(chromium, live_server, console, viewport):
    page = open_page(chromium, live_server, viewport, console["session"])
    try:
        page.goto("/console/")
        case = console["case"]
        # The alert panel holds the crisis pages: it must not widen the page either.
        page.locator("#alert-panel .alert-item").first.wait_for(state="attached")
        row = page.locator(f"#case-row-{case.pk}")
        assert row.locator(".q-acuity").inner_text().strip() == case.get_acuity_display()
        if viewport is PHONE:
            # A card: acuity and waiting time on its first line, then reference and status.
            top = {
                cell: row.locator(f".q-{cell}").bounding_box()["y"]
                for cell in ("acuity", "waiting", "ref", "status", "team")
            }
            assert abs(top["acuity"] - top["waiting"]) < 12
            assert top["waiting"] < top["ref"] <= top["status"] + 12 < top["team"] + 12
            assert not page.locator("#id_q").is_visible()  # filters folded: cases first
            page.get_by_text("Filter the queue").click()
            assert page.locator("#id_q").is_visible()
        else:
            assert page.locator("#id_q").is_visible()  # open on a wide screen
            assert page.locator(".queue-table thead").is_visible()
        check_layout(page, viewport, "queue")
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_case_page_reads_summary_actions_details(chromium, live_server, console, viewport):
    page = open_page(chromium, live_server, viewport, console["session"])
    case = console["case"]
    try:
        page.goto(f"/console/cases/{case.pk}/")
        tops = [
            page.locator(f"#case-{part}").bounding_box()["y"]
            for part in ("summary", "actions", "details")
        ]
        assert tops == sorted(tops), f"summary, actions, details out of order: {tops}"
        # One sentence, several signals: one item (the PHQ-9 answer is another).
        sentence = page.locator(".signal-group", has_text="kill myself")
        assert sentence.count() == 1
        assert sentence.locator("mark", has_text="kill myself").is_visible()
        names = sentence.locator(".signal-names li").all_inner_texts()
        assert {"Suicide: thoughts of suicide", "Suicide: a plan"} <= set(names)
        assert page.locator("#disposition_disposition").input_value() == ""
        assert page.locator("#contact_outcome").input_value() == ""
        check_layout(page, viewport, "case")

        # No disposition chosen: the browser keeps the form here and nothing is sent.
        page.get_by_label("Note (optional)").last.fill("Tried twice")
        page.get_by_role("button", name="Record disposition and close").click()
        assert page.locator("#disposition_disposition:invalid").count() == 1
        case.refresh_from_db()
        assert case.status == "open"
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_paging_pages_fit_the_screen(chromium, live_server, console, viewport):
    page = open_page(chromium, live_server, viewport, console["session"])
    try:
        page.goto("/console/paging/")
        page.get_by_role("heading", name="Open pages").wait_for()
        check_layout(page, viewport, "paging-oncall")

        page.goto(f"/console/paging/pages/{console['page'].pk}/")
        page.get_by_role("heading", name="Notifications").wait_for()
        check_layout(page, viewport, "paging-page")

        # The link in the notification, opened on the phone.
        page.goto(console["ack_url"])
        page.get_by_role("button", name="Acknowledge: I am on it").wait_for()
        check_layout(page, viewport, "paging-ack-link")
    finally:
        page.context.close()
