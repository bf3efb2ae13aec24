"""A crisis written during the intake, in Chromium: the crisis screen on the next
response and the on-call nurse paged before any further step, whether or not the
patient ever sends the form (issue 15). A real Celery worker delivers the page.
"""

from __future__ import annotations

import time

import pytest

from cases.models import Case
from intake.models import Intake
from paging.models import Notification, Page
from tests.e2e.conftest import axe_check, screenshot
from tests.e2e.test_intake_browser import answer_screener, save
from tests.factories.intake import PHI, intake_env  # noqa: F401 - intake_env is a fixture
from tests.factories.paging import make_oncall_team

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("intake_env"),
]


@pytest.fixture
def on_call(settings, start_celery):
    make_oncall_team(settings.INTAKE_DEFAULT_TEAM)
    start_celery("worker", EMAIL_URL="consolemail://")


def notified(case: Case, timeout: float = 30) -> Notification:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = Notification.objects.filter(page__case=case, status="sent").first()
        if sent is not None:
            return sent
        time.sleep(0.3)
    raise AssertionError("the on-call nurse was not notified")


def start_intake(page, language: str = "en") -> None:
    page.goto("/intake/")
    if language == "es":
        page.get_by_role("button", name="Continuar en español").click()
        page.get_by_label("Lo he leído y estoy de acuerdo.").check()
        save(page)
        page.get_by_label("Su nombre").fill("Lucía Fernández")
        page.get_by_label("Fecha de nacimiento").fill("1992-08-30")
        page.get_by_label("Llamada telefónica").check()
        page.locator("#id_phone").fill(PHI["phone"])
        page.locator("#id_voicemail_ok_1").check()
    else:
        page.get_by_role("button", name="Continue in English").click()
        page.get_by_label("I have read this and I agree.").check()
        save(page)
        page.get_by_label("Your name").fill(PHI["full_name"])
        page.get_by_label("Date of birth").fill(PHI["date_of_birth"])
        page.get_by_label("Phone call").check()
        page.get_by_label("Phone number").fill(PHI["phone"])
        page.locator("#id_voicemail_ok_1").check()
    save(page)
    assert page.url.endswith("/intake/step/reason/")


def test_crisis_text_at_the_reason_step_pages_even_if_the_tab_is_closed(page, on_call):
    start_intake(page)
    page.locator("#id_reason").fill("I'm going to end it tonight. Nobody will miss me.")
    save(page)

    assert page.url.endswith("/intake/crisis/now/")
    axe_check(page, "crisis-now-en")
    screenshot(page, "en-crisis-at-step")
    assert page.locator("a[href='tel:988']").is_visible()
    assert page.locator("a[href='tel:911']").is_visible()
    assert "The clinic has been alerted" in page.locator("main").inner_text()
    case = Case.objects.get()
    assert case.intake.status == Intake.Status.DRAFT and case.crisis
    assert Page.objects.filter(case=case).count() == 1

    page.context.close()  # the patient closes the tab here

    assert notified(case).page.case_id == case.pk


def test_spanish_crisis_at_the_reason_step_then_send_joins_the_same_case(page, on_call):
    start_intake(page, "es")
    page.locator("#id_reason").fill("Ya no quiero seguir viviendo, esta noche me despido de todos")
    save(page)

    assert page.url.endswith("/intake/crisis/now/")
    text = page.locator("main").inner_text()
    assert "Se ha avisado a la clínica" in text and "988" in text
    case = Case.objects.get()
    notified(case)

    page.get_by_role("link", name="Volver al formulario").click()
    assert page.url.endswith("/intake/step/phq9/")
    answer_screener(page, 9, "1")
    save(page)
    answer_screener(page, 7, "1")
    save(page)
    answer_screener(page, 4, "no")
    save(page)
    save(page)  # demographics are optional
    save(page)  # review: send

    assert page.url.endswith("/intake/crisis/")
    case = Case.objects.get()
    assert case.intake.status == Intake.Status.SUBMITTED
    assert Page.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "I would like to book a first appointment for anxiety."),
        ("es", "Quisiera pedir una primera cita por ansiedad."),
    ],
)
def test_the_asq_acute_question_pages_at_once(page, on_call, language, reason):
    start_intake(page, language)
    page.locator("#id_reason").fill(reason)
    save(page)
    answer_screener(page, 9, "1")
    save(page)
    answer_screener(page, 7, "1")
    save(page)
    answer_screener(page, 4, "no", {2: "yes"})
    save(page)
    assert page.url.endswith("/intake/step/asq_now/")
    page.locator("input[name=q5][value='yes']").check()
    save(page)

    assert page.url.endswith("/intake/crisis/now/")
    case = Case.objects.get()
    assert case.acuity == "emergent" and case.intake.status == Intake.Status.DRAFT
    notified(case)
