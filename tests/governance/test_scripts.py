"""A draft script over the clinic's live data: the shadow run over recent cases (and
manage.py triage_shadow), the validation run over its labelled messages."""

import copy
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.roles import Role
from audit.models import AccessEvent
from cases.actions import signal_review
from governance.scripts import script_shadow, script_validate, shadow_run
from intake.submission import case_open_from_intake
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake, make_team
from triage import engine
from triage.scripts import drafts, services

pytestmark = pytest.mark.django_db


def test_shadow_mode_lists_cases_a_candidate_script_would_change():
    team = make_team()
    calm = case_open_from_intake(intake=make_intake(team=team, reason="I feel hopeless")).case
    document = copy.deepcopy(engine.default_script().to_dict())
    # A stricter candidate: any PHQ-9 answers at all make a case urgent... simplest lever:
    # drop the lexicon's negation-free "hopeless" handling by adding a crisis phrase.
    document["version"] = "candidate"
    candidate = services.script_create_draft(
        team=team, document=document, author=make_staff(Role.ADMINISTRATOR)
    )

    count, changes = shadow_run(script=candidate)

    assert count == 1
    assert changes == []  # same rules: nothing would change
    assert calm.reference


def test_the_shadow_command_prints_the_summary():
    team = make_team()
    case_open_from_intake(intake=make_intake(team=team, reason="Hello"))
    candidate = services.script_create_draft(
        team=team,
        document=copy.deepcopy(engine.default_script().to_dict()),
        author=make_staff(Role.ADMINISTRATOR),
    )
    out = StringIO()

    call_command("triage_shadow", team.slug, str(candidate.version), stdout=out)

    assert "1 recent case(s) re-triaged" in out.getvalue()


def test_a_script_shadow_run_keeps_its_report_for_this_content_and_is_audited():
    team = make_team()
    case_open_from_intake(intake=make_intake(team=team, reason="Hello"))
    lead = make_staff(Role.CLINICIAN, team=team)
    draft = drafts.script_draft_from_active(team=team, author=lead)

    draft = script_shadow(script=draft, days=7, actor=lead)

    report = draft.shadow_report
    assert (report["days"], report["cases"], report["changes"]) == (7, 1, [])
    assert report["content_hash"] == draft.content_hash
    step = AccessEvent.objects.filter(object_type="triage.triagescript").latest("sequence")
    assert step.details["step"] == "shadow run" and step.actor == lead


def test_the_validation_run_reads_the_clinics_labelled_messages_and_audits_the_read():
    team = make_team()
    lead = make_staff(Role.CLINICIAN, team=team)
    case = case_open_from_intake(
        intake=make_intake(team=team, reason="I want to kill myself tonight")
    ).case
    signal_review(signal=case.signals.first(), user=make_staff(Role.NURSE), review="true_positive")
    draft = drafts.script_draft_from_active(team=team, author=lead)

    draft = script_validate(script=draft, actor=lead)

    assert draft.validation_run["clinic"]["n"] == 1
    assert AccessEvent.objects.filter(
        action="list", object_type="triage.crisissignal", details__rows=1
    ).exists()
