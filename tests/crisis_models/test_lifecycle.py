"""The whole path of a model: train -> draft -> validate -> approve -> active -> scan uses
it -> rollback, each step audited."""

import pytest

from accounts.roles import Role
from audit.models import AccessEvent
from cases.models import CrisisScan
from intake.submission import case_open_from_intake
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake
from triage import engine
from triage.crisis_models import active
from triage.crisis_models.services import (
    CrisisModelLifecycleError,
    crisis_model_activate,
    crisis_model_approve,
    crisis_model_create_draft,
    crisis_model_rollback,
    crisis_model_validate,
)
from triage.crisis_models.training import train
from triage.models import CrisisModel

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def fixture_rows():
    # The lexicon's development set: small enough to train on in well under a second.
    # Rows the lexicon itself gets wrong are left out, so the memorised model meets the
    # floors on them and approval can be shown to succeed.
    rows = engine.load_cases("tests/data/crisis_dev.jsonl")
    return [r for r in rows if bool(engine.scan(r["text"])) == (r["label"] == "crisis")]


@pytest.fixture(scope="module")
def tiny_model(fixture_rows):
    return train(fixture_rows, fixture_rows, c_grid=(100.0,)).model


def validated(record, rows):
    return crisis_model_validate(record=record, blind_rows=rows, older_sets={"dev": rows})


def model_events(record):
    return list(
        AccessEvent.objects.filter(object_type="triage.crisismodel", object_id=record.version)
        .order_by("sequence")
        .values_list("details__step", flat=True)
    )


def test_a_trained_model_goes_from_draft_to_active_and_back(tiny_model, fixture_rows):
    author = make_staff(Role.ADMINISTRATOR)
    clinician = make_staff(Role.CLINICIAN)

    record = crisis_model_create_draft(artifact=tiny_model.to_bytes(), author=author)
    assert (record.status, record.version, record.number) == ("draft", tiny_model.version, 1)

    record = validated(record, fixture_rows)
    report = record.validation_report
    assert report["meets_floors"], report["problems"]
    assert {"sensitivity", "specificity", "ppv", "npv", "auc", "pr_auc", "ece"} <= set(
        report["blind_test"]
    )
    assert set(report["blind_test"]["by_language"]) == {"en", "es"}
    assert bytes(record.reliability_png).startswith(b"\x89PNG")

    record = crisis_model_approve(record=record, approver=clinician)
    record = crisis_model_activate(record=record, actor=clinician)
    assert record.status == CrisisModel.Status.ACTIVE

    # The scan of a new intake now uses it, and keeps both readings.
    opening = case_open_from_intake(intake=make_intake(reason="I feel calm today."))
    scan = CrisisScan.objects.get(case=opening.case)
    assert scan.model_version == tiny_model.version
    assert scan.model_threshold == pytest.approx(tiny_model.threshold)
    assert 0 <= scan.model_probability <= 1 and scan.lexicon_rule_ids == []

    assert crisis_model_rollback(actor=clinician) is None  # back to the shipped model
    record.refresh_from_db()
    assert record.status == CrisisModel.Status.RETIRED
    assert active.active_model()[0] is None
    assert model_events(record) == [
        "draft created",
        "validated",
        "approved",
        "activated",
        "rolled back to the shipped model",
    ]


def test_rollback_returns_to_the_model_active_before(tiny_model, fixture_rows):
    clinician = make_staff(Role.CLINICIAN)
    first = crisis_model_create_draft(artifact=tiny_model.to_bytes())
    second_model = engine.CrisisModel.from_parts(
        terms=["w umbrella"], idf=[1.0], coef=[1.0], intercept=0.0, calibration=(1, 0),
        threshold=0.5,
    )  # fmt: skip
    second = crisis_model_create_draft(artifact=second_model.to_bytes())
    for record in (first, second):
        record.status, record.approved_by = CrisisModel.Status.APPROVED, clinician
        record.save()
        crisis_model_activate(record=record, actor=clinician)

    back = crisis_model_rollback(actor=clinician)

    assert back.pk == first.pk and back.status == CrisisModel.Status.ACTIVE
    assert CrisisModel.objects.get(pk=second.pk).status == CrisisModel.Status.RETIRED


def test_the_author_cannot_approve_their_own_model(tiny_model, fixture_rows):
    clinician = make_staff(Role.CLINICIAN)
    record = validated(
        crisis_model_create_draft(artifact=tiny_model.to_bytes(), author=clinician), fixture_rows
    )
    with pytest.raises(CrisisModelLifecycleError, match="someone other than its author"):
        crisis_model_approve(record=record, approver=clinician)


@pytest.mark.parametrize("role", [Role.NURSE, Role.ADMINISTRATOR])
def test_only_clinicians_and_supervisors_approve(tiny_model, fixture_rows, role):
    record = validated(crisis_model_create_draft(artifact=tiny_model.to_bytes()), fixture_rows)
    with pytest.raises(CrisisModelLifecycleError, match="permission"):
        crisis_model_approve(record=record, approver=make_staff(role))


def test_approval_needs_a_report_that_meets_the_floors(tiny_model):
    supervisor = make_staff(Role.SUPERVISOR)
    record = crisis_model_create_draft(artifact=tiny_model.to_bytes())
    with pytest.raises(CrisisModelLifecycleError, match="Validate the model first"):
        crisis_model_approve(record=record, approver=supervisor)

    hard = engine.load_cases("tests/data/crisis_holdout_2.jsonl")
    record = crisis_model_validate(record=record, blind_rows=hard, older_sets={})
    assert not record.validation_report["meets_floors"]
    with pytest.raises(CrisisModelLifecycleError, match=r"Approval refused\. Sensitivity"):
        crisis_model_approve(record=record, approver=supervisor)
    record.refresh_from_db()
    assert record.status == CrisisModel.Status.DRAFT


def test_the_same_artifact_is_the_same_version(tiny_model):
    a = crisis_model_create_draft(artifact=tiny_model.to_bytes())
    assert crisis_model_create_draft(artifact=tiny_model.to_bytes()).pk == a.pk


def test_an_unreadable_artifact_is_not_stored():
    with pytest.raises(CrisisModelLifecycleError, match="cannot be loaded"):
        crisis_model_create_draft(artifact=b"not a model")
    assert not CrisisModel.objects.exists()
