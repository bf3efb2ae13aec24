"""A clinical lead adds a crisis phrase without a developer, in Chromium (issue 18).

The lead (a clinician) makes a draft from the active script, adds "I've been saving up
my pills" with an example, and runs the validation: the page shows the phrase's
example passing and the figures on the tuned and blind sets. A supervisor (a second
person, the role that approves) approves and activates it. A patient then writes that
sentence in a new intake, and the on-call nurse is paged by a real Celery worker; the
signal names the new phrase, so the page came from the version just activated.

Before this version the sentence was also caught by the base phrase
``en.suicide.means.pills`` and the crisis model; the new phrase's longer span replaces
that signal, which is how the test tells the two apart.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from accounts.roles import Role
from cases.models import Case, CrisisSignal
from tests.e2e.conftest import axe_check, new_page, screenshot
from tests.e2e.test_console_browser import sign_in
from tests.e2e.test_intake_browser import save
from tests.e2e.test_intake_crisis_browser import notified, start_intake
from tests.factories.accounts import make_staff
from tests.factories.console import ensure_roles
from tests.factories.intake import intake_env  # noqa: F401 - a fixture
from tests.factories.paging import make_oncall_team
from triage.models import TriageScript

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("intake_env"),
]

SENTENCE = "I've been saving up my pills"
KEY = "en.suicide.ive_been_saving_up_my_pills"
# Compiling a script and running it over every evaluation set takes seconds, more on a
# busy machine.
SLOW_MS = 180_000


@pytest.fixture
def scripts_env(settings, start_celery):
    ensure_roles()
    migration = importlib.import_module("triage.migrations.0012_base_phrases")
    migration.grant(django_apps)  # the flush dropped the migrations' rows
    migration.create_base(django_apps)
    team, *_ = make_oncall_team(settings.INTAKE_DEFAULT_TEAM)
    start_celery("worker", EMAIL_URL="consolemail://")
    lead = make_staff(Role.CLINICIAN, team=team, username="lead", first_name="Lena")
    supervisor = make_staff(Role.SUPERVISOR, team=team, username="sam", first_name="Sam")
    return team, lead, supervisor


def shot(page, name: str) -> None:
    screenshot(page, name, folder="scripts")


def test_a_clinical_lead_adds_a_phrase_that_pages_once_approved(page, chromium, live_server,
                                                                 scripts_env):  # fmt: skip
    team, lead, supervisor = scripts_env
    page.set_default_timeout(30_000)

    sign_in(page, lead)
    page.get_by_role("link", name="Triage scripts").click()
    axe_check(page, "scripts-home")
    page.get_by_role("button", name=f"New draft from active {team.name}").click()
    assert "New draft made from the active version." in page.locator("main").inner_text()
    draft = TriageScript.objects.get(team=team, status="draft")

    page.get_by_role("link", name="Add a phrase").click()
    page.get_by_label("Phrase", exact=True).fill(SENTENCE)
    page.get_by_label("Category").select_option("suicide.means")
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("Whose risk").select_option("self")
    page.get_by_label("Examples it must match (one per line)").fill(
        "I've been saving up my pills for when it gets bad"
    )
    axe_check(page, "phrase-form")
    page.get_by_role("button", name="Save the phrase").click()
    changes = page.locator("#phrase-changes").inner_text()
    assert KEY in changes and "added" in changes and SENTENCE in changes
    shot(page, "01-draft-with-phrase")

    page.get_by_role("button", name="Run the validation").click()
    page.wait_for_url(f"**/console/scripts/{draft.pk}/validation/", timeout=SLOW_MS)
    axe_check(page, "validation")
    shot(page, "02-validation")
    assert "0 failing" in page.locator("#examples-summary").inner_text()
    new_examples = page.locator("#changed-examples").inner_text()
    assert KEY in new_examples and "matches, as it must" in new_examples
    headline = page.locator("#headline").inner_text()
    assert "Tuned sets" in headline and "n=662)" in headline
    assert "Blind sets" in headline and "n=2190)" in headline
    blind = page.locator("#blind-sets").inner_text()
    assert "crisis_holdout_2" in blind and "300" in blind and "blind test b1 (en)" in blind
    page.get_by_role("link", name="Back to").first.click()
    assert page.get_by_role("button", name="Approve this version").count() == 0  # the author
    page.context.close()

    # A second person with the role approves and activates.
    other = new_page(chromium, live_server)
    other.set_default_timeout(SLOW_MS)
    sign_in(other, supervisor)
    other.get_by_role("link", name="Triage scripts").click()
    other.get_by_role("link", name=draft.display_label).click()
    other.get_by_role("button", name="Approve this version").click()
    assert other.locator("#script-status").inner_text() == "Approved"
    other.get_by_role("button", name="Activate").click()
    assert other.locator("#script-status").inner_text() == "Active"
    shot(other, "03-active")
    other.context.close()
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by, draft.author) == ("active", supervisor, lead)

    # A patient writes the sentence: the on-call nurse is paged.
    patient = new_page(chromium, live_server)
    patient.set_default_timeout(SLOW_MS)
    start_intake(patient)
    patient.locator("#id_reason").fill(SENTENCE)
    save(patient)
    assert patient.url.endswith("/intake/crisis/now/")
    case = Case.objects.get()
    assert notified(case, timeout=120).page.case_id == case.pk
    signals = CrisisSignal.objects.filter(case=case)
    phrase_signals = [s for s in signals if s.category != "model_concern"]
    assert {s.rule_id for s in phrase_signals} == {KEY}, [s.rule_id for s in signals]
    assert {s.script_version for s in phrase_signals} == {draft.label}
    patient.context.close()
