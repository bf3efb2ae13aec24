"""Scripts as phrase rows: versions from content, base fixes reaching teams, examples
that block approval, and every step audited (issue 18)."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from audit.models import AccessEvent
from intake.submission import case_open_from_intake
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake, make_team
from triage import engine
from triage.engine.phrases import PhraseError
from triage.models import CrisisPhrase, TriageScript
from triage.scripts import drafts, phrasebook, services
from triage.scripts.services import ScriptLifecycleError

pytestmark = pytest.mark.django_db

SAVING = {
    "kind": "crisis",
    "language": "en",
    "phrase": "I've been [secretly] saving up my pills",
    "category": "suicide",
    "subtype": "means",
    "severity": "high",
    "whose_risk": "self",
    "examples": [
        {"text": "I've been saving up my pills for weeks", "match": True},
        {"text": "I have not been saving up my pills", "match": False},
    ],
}


@pytest.fixture
def team():
    return make_team("north")


@pytest.fixture
def lead(team):
    return make_staff(Role.CLINICIAN, team=team, username="lead")


@pytest.fixture
def supervisor(team):
    return make_staff(Role.SUPERVISOR, team=team, username="sup")


def approve_and_activate(script, supervisor):
    drafts.script_validate(script=script, actor=supervisor)
    services.script_approve(script=script, approver=supervisor)
    return services.script_activate(script=script, actor=supervisor)


def test_the_migrated_base_is_active_and_teams_without_a_version_use_it(team):
    base = TriageScript.objects.get(team__isnull=True, status="active")
    assert base.label == "default-v1"
    assert base.phrases.count() == 209
    assert all(row.examples for row in base.phrases.all())

    case = case_open_from_intake(intake=make_intake(team=team)).case
    assert case.triage_results.get().script == base


def test_a_draft_from_active_says_what_the_active_version_says(team, lead):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    base = TriageScript.objects.get(team__isnull=True)

    assert draft.content_hash == base.content_hash
    assert draft.base == base and draft.phrases.count() == 0
    assert draft.display_label.startswith("North, version 1 of ")


def test_adding_a_phrase_changes_the_version(team, lead):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    before = draft.content_hash

    row = drafts.phrase_save(script=draft, actor=lead, fields=SAVING)
    draft.refresh_from_db()

    assert draft.content_hash != before
    assert row.key == "en.suicide.ive_been_secretly_saving_up_my_p"
    signals = engine.scan("Ive been secretly saving up my pillz", phrasebook.compiled(draft))
    assert row.key in {s.rule_id for s in signals}
    # Editing one word of the phrase is another version again.
    drafts.phrase_save(
        script=draft, actor=lead, key=row.key, fields={**SAVING, "phrase": "saving up my pills"}
    )
    changed = TriageScript.objects.get(pk=draft.pk).content_hash
    assert changed not in (before, draft.content_hash)


def test_a_fix_in_the_base_reaches_the_teams_next_version(team, lead, supervisor):
    north = approve_and_activate(
        drafts.phrase_save(
            script=drafts.script_draft_from_active(team=team, author=lead),
            actor=lead,
            fields=SAVING,
        ).script,
        supervisor,
    )
    fix = {**SAVING, "phrase": "stockpiling my meds", "examples": [
        {"text": "I am stockpiling my meds", "match": True}]}  # fmt: skip
    base_draft = drafts.script_draft_from_active(team=None, author=lead)
    base_key = drafts.phrase_save(script=base_draft, actor=lead, fields=fix).key
    approve_and_activate(base_draft, supervisor)

    # The team's active version is approved content: it does not change under it.
    north.refresh_from_db()
    assert base_key not in {s.key for s in phrasebook.effective_specs(north)}
    nxt = drafts.script_draft_from_active(team=team, author=lead)
    keys = {s.key for s in phrasebook.effective_specs(nxt)}
    assert base_key in keys  # the base's fix
    assert "en.suicide.ive_been_secretly_saving_up_my_p" in keys  # the team's own phrase
    assert nxt.base == base_draft and nxt.content_hash != north.content_hash


def test_a_team_removes_a_base_phrase_and_changes_a_threshold(team, lead):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    drafts.phrase_remove(script=draft, key="en.suicide.means.pills", actor=lead)
    drafts.thresholds_save(script=draft, values={"phq9.total_urgent": 18}, actor=lead)
    draft.refresh_from_db()

    script = phrasebook.compiled(draft)
    ids = {r["id"] for r in script.lexicon["languages"]["en"]["rules"]}
    assert "en.suicide.means.pills" not in ids
    rule = next(r for r in draft.document["rules"] if r["id"] == "phq9.total_urgent")
    assert rule["when"]["total_at_least"] == 18
    assert CrisisPhrase.objects.get(script=draft, key="en.suicide.means.pills").removed

    drafts.phrase_restore(script=draft, key="en.suicide.means.pills", actor=lead)
    assert "en.suicide.means.pills" in {s.key for s in phrasebook.effective_specs(draft)}


def test_an_example_that_fails_blocks_approval(team, lead, supervisor):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    drafts.phrase_save(
        script=draft,
        actor=lead,
        fields={**SAVING, "examples": [{"text": "I've been hoarding my tablets", "match": True}]},
    )
    draft = drafts.script_validate(script=draft, actor=lead)
    assert draft.validation_run["examples_failing"] == 1

    with pytest.raises(ScriptLifecycleError, match="1 phrase example"):
        services.script_approve(script=draft, approver=supervisor)
    assert TriageScript.objects.get(pk=draft.pk).status == "draft"


def test_approval_needs_a_validation_run_of_the_current_content(team, lead, supervisor):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    drafts.phrase_save(script=draft, actor=lead, fields=SAVING)
    drafts.script_validate(script=draft, actor=lead)
    drafts.phrase_save(script=draft, actor=lead, fields={**SAVING, "phrase": "hoarding pills"})

    with pytest.raises(ScriptLifecycleError, match="Run the validation"):
        services.script_approve(script=draft, approver=supervisor)


def test_a_clinical_lead_cannot_approve_and_every_step_is_audited(team, lead, supervisor):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    drafts.phrase_save(script=draft, actor=lead, fields=SAVING)
    drafts.script_validate(script=draft, actor=lead)
    with pytest.raises(ScriptLifecycleError, match="permission to approve"):
        services.script_approve(script=draft, approver=lead)
    services.script_approve(script=draft, approver=supervisor)
    services.script_activate(script=draft, actor=supervisor)
    services.script_rollback(team=team, actor=supervisor)

    steps = list(
        AccessEvent.objects.filter(object_type="triage.triagescript").values_list(
            "reason", flat=True
        )
    )
    for step in ("draft created", "phrase added", "validated", "approved", "activated",
                 "rolled back (none active now)"):  # fmt: skip
        assert f"triage script {step}" in steps
    # Rolled back: the team is on the base again.
    case = case_open_from_intake(intake=make_intake(team=team)).case
    assert case.triage_results.get().script_version == "default-v1"


def test_the_validation_run_names_every_set_with_its_size(team, lead):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    drafts.phrase_save(script=draft, actor=lead, fields=SAVING)
    run = drafts.script_validate(script=draft, actor=lead).validation_run

    by_name = {s["name"]: s for s in run["sets"]}
    assert by_name["crisis_holdout_2"]["kind"] == "blind"
    assert by_name["crisis_holdout_2"]["draft"]["n"] == 300
    assert by_name["crisis_eval"]["kind"] == "tuned"
    assert by_name["blind test b1 (en)"]["draft"]["n"] == 750
    # Blind messages are never shown, even when a decision changed.
    assert all(not c["text"] for s in run["sets"] if s["kind"] == "blind" for c in s["changes"])
    new = [e for e in run["examples"] if e["key"].startswith("en.suicide.ive_been")]
    assert [(e["must_match"], e["ok"]) for e in new] == [(True, True), (False, True)]


def test_a_bad_phrase_is_refused_with_a_plain_reason(team, lead):
    draft = drafts.script_draft_from_active(team=team, author=lead)
    with pytest.raises(PhraseError, match="at least one example"):
        drafts.phrase_save(script=draft, actor=lead, fields={**SAVING, "examples": []})
    with pytest.raises(PhraseError, match="cannot be used"):
        drafts.phrase_save(script=draft, actor=lead, fields={**SAVING, "phrase": "pills (now)"})
    assert draft.phrases.count() == 0
