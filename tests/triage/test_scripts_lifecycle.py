import copy

import pytest

from accounts.roles import Role
from cases.models import TriageResult
from intake.submission import case_open_from_intake
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake, make_team
from triage import engine
from triage.models import TriageScript
from triage.scripts import services
from triage.scripts.active import active_script
from triage.scripts.services import ScriptLifecycleError

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def author(team):
    return make_staff(Role.ADMINISTRATOR)


@pytest.fixture
def approver(team):
    return make_staff(Role.SUPERVISOR, team=team, supervisor=True)


def default_document() -> dict:
    return copy.deepcopy(engine.default_script().to_dict())


def draft(team, author, document=None) -> TriageScript:
    return services.script_create_draft(
        team=team, document=document or default_document(), author=author, change_note="test"
    )


def test_drafts_are_numbered_per_team(team, author):
    first, second = draft(team, author), draft(team, author)

    assert (first.version, second.version) == (1, 2)
    assert first.status == TriageScript.Status.DRAFT


def test_an_invalid_document_is_refused_with_the_key_at_fault(team, author):
    document = default_document()
    del document["texts"]

    with pytest.raises(ScriptLifecycleError, match="texts"):
        draft(team, author, document)


def test_approval_runs_the_validation_gate_and_stores_the_report(team, author, approver):
    script = services.script_approve(script=draft(team, author), approver=approver)

    assert script.status == TriageScript.Status.APPROVED
    assert script.approved_by == approver
    report = script.validation_report
    assert report["sensitivity"] == 1.0
    assert set(report["by_language"]) == {"en", "es"}
    assert {"tp", "fp", "tn", "fn", "specificity", "ppv", "npv"} <= set(report)


def test_self_approval_is_refused(team):
    supervisor = make_staff(Role.SUPERVISOR, team=team, supervisor=True)
    script = draft(team, supervisor)

    with pytest.raises(ScriptLifecycleError, match="someone other than its author"):
        services.script_approve(script=script, approver=supervisor)


def test_approval_needs_the_approver_permission(team, author):
    nurse = make_staff(Role.NURSE, team=team)

    with pytest.raises(ScriptLifecycleError, match="permission"):
        services.script_approve(script=draft(team, author), approver=nurse)


def test_approval_is_refused_below_the_sensitivity_threshold(team, author, approver):
    document = default_document()
    # A crisis case the lexicon cannot see: the gate must catch the miss.
    document["validation_cases"].append(
        {"text": "the quiet plan for tonight is settled", "label": "crisis", "language": "en"}
    )
    script = draft(team, author, document)

    with pytest.raises(ScriptLifecycleError, match=r"below the required 1\.000"):
        services.script_approve(script=script, approver=approver)
    script.refresh_from_db()
    assert script.status == TriageScript.Status.DRAFT
    assert script.validation_report["fn"] == 1


def test_an_approved_script_can_no_longer_be_edited(team, author, approver):
    script = services.script_approve(script=draft(team, author), approver=approver)

    with pytest.raises(ScriptLifecycleError, match="can no longer be edited"):
        services.script_update_draft(script=script, document=default_document())


def test_activating_retires_the_previous_active_version(team, author, approver):
    old = services.script_activate(
        script=services.script_approve(script=draft(team, author), approver=approver)
    )
    new = services.script_approve(script=draft(team, author), approver=approver)

    services.script_activate(script=new)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("retired", "active")


def test_activating_compiles_the_version_after_commit(
    team, author, approver, django_capture_on_commit_callbacks
):
    approved = services.script_approve(script=draft(team, author), approver=approver)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.script_activate(script=approved)

    assert callbacks  # the warm-up ran, and did not raise
    record, script = active_script(team)
    assert record == approved and script.compiled_lexicon is not None


def test_a_draft_cannot_be_activated(team, author):
    with pytest.raises(ScriptLifecycleError, match="Only an approved"):
        services.script_activate(script=draft(team, author))


def test_triage_results_keep_the_version_that_made_them(team, author, approver):
    script = services.script_activate(
        script=services.script_approve(script=draft(team, author), approver=approver)
    )
    case = case_open_from_intake(intake=make_intake(team=team, reason="Hello")).case

    result = TriageResult.objects.get(case=case)
    assert result.script == script
    assert result.script_version == f"{team.slug}-v{script.version}"

    services.script_retire(script=script)
    result.refresh_from_db()
    assert result.script_version == f"{team.slug}-v{script.version}"


def test_the_diff_shows_what_changed_between_versions(team, author):
    first = draft(team, author)
    document = default_document()
    document["title"] = "A clearer title"
    second = draft(team, author, document)

    diff = services.script_diff(first, second)

    assert '+  "title": "A clearer title"' in diff
    assert diff.startswith("--- v1")
