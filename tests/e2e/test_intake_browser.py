"""The whole intake in Chromium, in English and in Spanish, with axe-core on every page.

Screenshots of every page go to test-artifacts/intake/.
"""

from __future__ import annotations

import re

import pytest

from cases.models import Case
from intake.models import Intake
from tests.e2e.conftest import axe_check, screenshot
from tests.factories.intake import PHI, intake_env  # noqa: F401 - intake_env is a fixture

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("intake_env"),
]


def save(page) -> None:
    page.locator("form.intake-form button[type=submit]").click()
    page.wait_for_load_state()


def check_page(page, name: str) -> None:
    axe_check(page, name)
    screenshot(page, name)


def answer_screener(page, count: int, value: str, overrides: dict | None = None) -> None:
    for n in range(1, count + 1):
        chosen = (overrides or {}).get(n, value)
        page.locator(f"input[name=q{n}][value='{chosen}']").check()


def test_english_intake_without_crisis(page):
    page.goto("/intake/")
    check_page(page, "en-01-start")
    page.get_by_role("button", name="Continue in English").click()

    assert "/intake/consent/" in page.url
    check_page(page, "en-02-consent")
    # Sending without ticking the box: a specific error, focus on the summary.
    save(page)
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    check_page(page, "en-02b-consent-error")
    page.get_by_label("I have read this and I agree.").check()
    save(page)

    assert page.url.endswith("/intake/step/contact/")
    check_page(page, "en-03-contact")
    page.get_by_label("Your name").fill(PHI["full_name"])
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Phone call").check()
    save(page)
    # Errors next to their fields; what was typed is still there.
    assert page.get_by_text("Your date of birth must be in the past.").first.is_visible()
    assert page.get_by_label("Your name").input_value() == PHI["full_name"]
    check_page(page, "en-03b-contact-errors")
    page.get_by_label("Date of birth").fill(PHI["date_of_birth"])
    page.get_by_label("Phone number").fill(PHI["phone"])
    page.locator("#id_voicemail_ok_1").check()
    save(page)

    check_page(page, "en-04-reason")
    page.get_by_label("Why are you contacting the clinic?").fill(PHI["reason"])
    save(page)

    check_page(page, "en-05-phq9")
    answer_screener(page, 9, "1", {9: "0"})
    save(page)
    check_page(page, "en-06-gad7")
    answer_screener(page, 7, "1")
    save(page)
    check_page(page, "en-07-asq")
    answer_screener(page, 4, "no")
    save(page)

    assert page.url.endswith("/intake/step/demographics/")
    check_page(page, "en-08-demographics")
    save(page)

    check_page(page, "en-09-review")
    assert page.get_by_text(PHI["reason"]).is_visible()
    save(page)

    assert page.url.endswith("/intake/sent/")
    check_page(page, "en-10-sent")
    case = Case.objects.get()
    assert not case.crisis
    assert case.reference in page.content()
    status_link = page.locator(".status-link a").get_attribute("href")
    assert re.search(r"/intake/status/[\w-]{43}/$", status_link)

    page.goto(status_link)
    check_page(page, "en-11-status")
    assert page.get_by_text(case.reference).first.is_visible()


def test_spanish_intake_with_a_crisis_answer_lands_on_the_crisis_page(page):
    page.goto("/intake/")
    page.get_by_role("button", name="Continuar en español").click()

    check_page(page, "es-01-consent")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_label("Lo he leído y estoy de acuerdo.").check()
    save(page)

    check_page(page, "es-02-contact")
    page.get_by_label("Su nombre").fill("Lucía Fernández")
    page.get_by_label("Fecha de nacimiento").fill("1992-08-30")
    page.get_by_label("Correo electrónico", exact=True).first.check()
    page.locator("#id_email").fill("lucia.f@example.org")
    save(page)

    check_page(page, "es-03-reason")
    page.locator("#id_reason").fill("Me siento muy mal y no duermo desde hace semanas")
    save(page)
    check_page(page, "es-04-phq9")
    answer_screener(page, 9, "2", {9: "2"})
    save(page)
    check_page(page, "es-05-gad7")
    answer_screener(page, 7, "2")
    save(page)
    check_page(page, "es-06-asq")
    answer_screener(page, 4, "no", {1: "yes", 3: "yes"})
    save(page)

    assert page.url.endswith("/intake/step/asq_now/")
    check_page(page, "es-07-asq-now")
    page.locator("input[name=q5][value='no']").check()
    save(page)

    check_page(page, "es-08-demographics")
    page.locator("input[name=preferred_language][value='es']").check()
    save(page)
    check_page(page, "es-09-review")
    save(page)

    assert page.url.endswith("/intake/crisis/")
    check_page(page, "es-10-crisis")
    text = page.locator("main").inner_text()
    assert "988" in text and "911" in text and "741741" in text
    assert Case.objects.get().crisis
    assert Intake.objects.get().language == "es"


def test_consent_by_keyboard_alone(page):
    page.goto("/intake/consent/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    # Tab through the page until the consent box has the focus; every stop is visible.
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", f"no visible focus on #{focused}"
        if focused == "id_agree":
            break
    else:
        pytest.fail("the consent box cannot be reached with the keyboard")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/step/contact/")


def test_status_link_pages_are_accessible(page):
    from datetime import timedelta

    from django.utils import timezone

    from intake import tokens
    from tests.factories.cases import make_case, make_intake

    intake = make_intake(
        full_name=PHI["full_name"],
        phone=PHI["phone"],
        preferred_contact="phone",
        voicemail_ok=True,
        submitted_at=timezone.now(),
    )
    token = tokens.issue(intake)
    intake.save()
    make_case(intake=intake)

    page.goto(f"/intake/status/{token}/")
    check_page(page, "status-01")
    page.select_option("#language-select", "es")
    page.get_by_role("button", name="Change").click()
    page.get_by_role("heading", name="Su solicitud").wait_for()
    check_page(page, "status-01-es")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Cambiar").click()
    page.get_by_role("heading", name="Your request").wait_for()
    page.get_by_role("button", name="Withdraw my consent").click()
    page.wait_for_load_state()
    page.get_by_text("Tick the box to confirm").first.wait_for()
    check_page(page, "status-02-withdraw-error")
    page.get_by_label("I want to withdraw my consent and stop this request.").check()
    page.get_by_role("button", name="Withdraw my consent").click()
    page.get_by_text("You withdrew your consent").first.wait_for()
    check_page(page, "status-03-withdrawn")

    intake.status_token_expires_at = timezone.now() - timedelta(minutes=1)
    intake.save(update_fields=["status_token_expires_at"])
    page.goto(f"/intake/status/{token}/")
    assert page.get_by_text("This private link has expired.").is_visible()
    check_page(page, "status-04-expired")
