"""The private status link in Chromium, with JavaScript off and on.

A patient whose browser runs no JavaScript writes a crisis message: it must be stored,
scanned and paged like any other, with the crisis lines in the answer. The language
switch must work on the conversation, status and "new message" pages either way. A
form the CSRF check refuses must answer with the project's page: crisis lines and
what the patient typed. Screenshots go to test-artifacts/status-link/.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from intake import tokens
from intake.models import Intake
from messaging.models import Message
from paging.models import Page
from tests.e2e.conftest import axe_check, screenshot
from tests.factories.cases import make_case, make_intake, make_team
from tests.factories.intake import PHI, intake_env  # noqa: F401 - intake_env is a fixture
from tests.factories.messaging import CRISIS
from triage import engine

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXTS = engine.default_script().texts


def open_browser(chromium, live_server, *, javascript: bool):
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def link():
    """An open case and the token of its status link."""
    cache.clear()  # the status link's rate limit
    intake = make_intake(team=make_team("north"), language="en", email="patient@example.org")
    token = tokens.issue(intake)
    intake.save()
    return make_case(intake=intake), token


def submit(page, button: str) -> int:
    """Click a form's button and wait for the full page that answers; its status."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value.status


def test_without_javascript_a_crisis_message_is_stored_scanned_and_paged(
    chromium, live_server, link
):
    case, token = link
    page = open_browser(chromium, live_server, javascript=False)
    page.goto(f"/intake/status/{token}/conversation/")

    page.get_by_label("Your message").fill(CRISIS)
    status = submit(page, "Send message")

    assert status == 200
    crisis = page.locator(".conversation-crisis")
    crisis.get_by_text(TEXTS["crisis_resources"]["en"]).wait_for()
    assert page.locator(".msg-patient .msg-body", has_text=CRISIS).is_visible()
    assert page.get_by_text("With staff", exact=True).is_visible()
    message = Message.objects.get(sender=Message.Sender.PATIENT)
    assert message.body == CRISIS
    assert Page.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.crisis and case.acuity == "emergent"
    screenshot(page, "no-js-crisis-message", folder="status-link")
    page.context.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/intake/status/{token}/conversation/", "Mensajes con la clínica"),
        ("/intake/status/{token}/", "Su solicitud"),
        ("/intake/status/", "Tiene un mensaje nuevo"),
    ],
    ids=["conversation", "status", "new-message"],
)
def test_the_language_switch_works(chromium, live_server, link, javascript, path, heading):
    _case, token = link
    page = open_browser(chromium, live_server, javascript=javascript)
    url = path.format(token=token)
    page.goto(url)

    page.get_by_label("Language").select_option("es")
    status = submit(page, "Change")

    assert status == 200
    assert page.url == f"{live_server.url}{url}"
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name=heading, level=1).is_visible()
    if javascript:
        axe_check(page, f"{url} in Spanish")
    page.context.close()


@pytest.mark.usefixtures("intake_env")
@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_refused_form_shows_the_crisis_lines_and_keeps_what_was_typed(
    chromium, live_server, javascript
):
    page = open_browser(chromium, live_server, javascript=javascript)
    page.goto("/intake/")
    submit(page, "Continue in English")
    page.get_by_label("I have read this and I agree.").check()
    submit(page, "Agree and continue")
    page.get_by_label("Your name").fill(PHI["full_name"])
    page.get_by_label("Date of birth").fill(PHI["date_of_birth"])
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill(PHI["phone"])
    page.locator("#id_voicemail_ok_1").check()
    submit(page, "Save and continue")
    typed = "I cannot go on like this.\nI want to kill myself tonight."
    page.get_by_label("Why are you contacting the clinic?").fill(typed)
    # The browser lost the form's cookie (cleared, blocked, or the page sat open for days).
    page.context.clear_cookies(name="csrftoken")

    status = submit(page, "Save and continue")

    assert status == 403
    assert page.get_by_role("heading", name="Your page was not sent", level=1).is_visible()
    assert page.get_by_role("heading", name="In crisis or in danger right now?").is_visible()
    for line in ["Call or text 988", "Call 911", "741741"]:
        assert page.locator(".crisis-resources").get_by_text(line).first.is_visible()
    assert page.get_by_label("Why are you contacting the clinic?").input_value() == typed
    assert Intake.objects.get().reason == ""  # nothing was stored
    screenshot(page, f"refused-form-{'js' if javascript else 'no-js'}", folder="status-link")
    if javascript:
        axe_check(page, "CSRF failure page")

    # The page gave the browser a new form cookie: opened again, the text goes through.
    page.get_by_role("link", name="Open the page again").click()
    page.get_by_label("Why are you contacting the clinic?").fill(typed)
    assert submit(page, "Save and continue") == 200
    assert Intake.objects.get().reason.replace("\r\n", "\n") == typed  # browsers post CRLF
    page.context.close()
