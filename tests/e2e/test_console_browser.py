"""The nurse console in Chromium: MFA sign-in, a crisis case arriving live, the work.

A nurse signs in with her password and a TOTP code computed from her device's key,
watches the queue, and a crisis case submitted meanwhile (through the services) shows
up without a reload, with an alert. She claims it, acknowledges its page, raises its
acuity, and records a disposition. axe-core checks every console page on the way;
screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

import pytest

from accounts.roles import Role
from cases.models import BreakGlassAccess, Case, CaseEvent
from intake.submission import case_open_from_intake
from paging.models import Page
from tests.e2e.conftest import axe_check, new_page, screenshot
from tests.factories.accounts import (
    STAFF_PASSWORD,
    confirmed_totp_device,
    current_totp,
    make_staff,
)
from tests.factories.cases import make_intake, make_team
from tests.factories.console import ensure_roles, make_triaged_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_env(settings):
    ensure_roles()  # the live-server database is flushed between tests
    settings.CONSOLE_POLL_SECONDS = 1


def shot(page, name: str) -> None:
    screenshot(page, name, folder="console")


def sign_in(page, user) -> None:
    device = confirmed_totp_device(user)
    page.goto("/console/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "/accounts/verify/" in page.url
    page.locator("input[name=token]").fill(current_totp(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/console/")


def submit_crisis_intake(team) -> Case:
    """A patient's intake with a crisis signal, through the real engine and paging."""
    intake = make_intake(
        team=team,
        full_name="Jordan Rivera",
        phone="+1 555 0199",
        preferred_contact="phone",
        reason="Work is hard and sometimes I think about self harm.",
        answers={"phq9": [1, 2, 1, 1, 0, 1, 1, 0, 0], "gad7": [1, 1, 1, 0, 1, 1, 0]},
    )
    return case_open_from_intake(intake=intake).case


def test_a_nurse_works_a_crisis_case_that_arrives_while_she_watches(page, console_env):
    team = make_team("north")
    nurse = make_staff(Role.NURSE, team, first_name="Ana", username="ana")
    waiting = make_triaged_case(team, acuity="routine")

    sign_in(page, nurse)
    assert page.get_by_role("heading", name="Queue").is_visible()
    axe_check(page, "queue")
    shot(page, "01-queue")

    # Keyboard focus on a row link survives the background refreshes.
    page.locator(f"#case-link-{waiting.pk}").focus()
    page.evaluate("window.__sameDocument = true")
    case = submit_crisis_intake(team)
    assert case.crisis and case.acuity == "urgent"

    row = page.locator(f"tr[data-reference='{case.reference}'][data-crisis='1']")
    row.wait_for()
    alert = page.locator("#crisis-alert")
    alert.wait_for(state="visible")
    assert case.reference in alert.inner_text()
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert page.evaluate("document.activeElement.id") == f"case-link-{waiting.pk}"
    assert row.locator("td").nth(0).inner_text().strip() == "Urgent"
    page.locator("#queue-summary", has_text="in progress: 2.").wait_for()
    assert page.locator("#queue-announcer").inner_text() == "1 new case in the queue."
    axe_check(page, "queue with a crisis case")
    shot(page, "02-crisis-case-arrived")

    # With the keyboard: focus the row's Claim button and press Enter.
    page.locator(f"#claim-{case.pk}").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/cases/{case.pk}/")
    page.get_by_text(f"You claimed case {case.reference}.").wait_for()
    assert page.locator("mark", has_text="self harm").first.is_visible()
    axe_check(page, "case page")
    shot(page, "03-case-claimed")

    crisis_page = Page.objects.get(case=case)
    page.locator(f"#ack-{crisis_page.pk}").click()
    assert page.get_by_text("Page acknowledged. Escalation is paused.").is_visible()
    crisis_page.refresh_from_db()
    assert (crisis_page.status, crisis_page.acknowledged_by) == ("acknowledged", nurse)

    page.get_by_label("New acuity").select_option("emergent")
    page.get_by_label("Reason (required)").fill("Sounded unsafe on the phone.")
    page.get_by_role("button", name="Override", exact=True).click()
    assert page.get_by_text("Acuity changed to Emergent.").is_visible()
    shot(page, "04-acuity-raised")

    page.get_by_label("Disposition").select_option("appointment_booked")
    page.get_by_role("button", name="Record disposition and close").focus()
    page.keyboard.press("Enter")
    page.get_by_text(f"Case {case.reference} is closed.").wait_for()
    axe_check(page, "closed case")
    shot(page, "05-closed")

    case.refresh_from_db()
    assert (case.status, case.disposition, case.acuity, case.triage_acuity) == (
        "closed",
        "appointment_booked",
        "emergent",
        "urgent",
    )
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"claimed", "page", "override", "disposition"} <= kinds


def test_supervisor_pages_and_break_glass_pass_axe(chromium, live_server, console_env):
    north, south = make_team("north"), make_team("south")
    supervisor = make_staff(Role.SUPERVISOR, north, username="sam")
    elsewhere = make_triaged_case(south)
    BreakGlassAccess.objects.create(
        case=make_triaged_case(north),
        user=make_staff(Role.CLINICIAN, south),
        reason="ED called",
        expires_at=elsewhere.opened_at,
    )
    page = new_page(chromium, live_server)
    try:
        sign_in(page, supervisor)
        page.goto("/console/supervisor/")
        axe_check(page, "supervisor")
        shot(page, "06-supervisor")
        page.get_by_role("link", name="Review break-glass accesses").click()
        axe_check(page, "break-glass review")
        shot(page, "07-break-glass-review")
        page.goto(f"/console/cases/{elsewhere.pk}/")
        assert f"/console/cases/{elsewhere.pk}/break-glass/" in page.url
        page.get_by_role("button", name="Open the case and record my reason").click()
        assert page.locator("#break_glass_reason[aria-invalid=true]").is_visible()
        axe_check(page, "break-glass request with an error")
        shot(page, "08-break-glass-reason-required")
        page.get_by_label("Why do you need this record now?").fill("Covering the south line")
        page.get_by_role("button", name="Open the case and record my reason").click()
        page.wait_for_url(f"**/console/cases/{elsewhere.pk}/")
        assert page.get_by_text("Who accessed this record").is_visible()
        axe_check(page, "case opened by break-glass")
    finally:
        page.context.close()
