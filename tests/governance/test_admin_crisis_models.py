"""The crisis model in the admin: a clinician reads the report, approves and activates."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories.accounts import login_verified, make_staff
from triage import engine
from triage.crisis_models.services import crisis_model_create_draft
from triage.models import CrisisModel

pytestmark = pytest.mark.django_db


def toy_artifact() -> bytes:
    return engine.CrisisModel.from_parts(
        terms=["w umbrella"], idf=[1.0], coef=[1.0], intercept=0.0, calibration=(1, 0),
        threshold=0.5,
    ).to_bytes()  # fmt: skip


@pytest.fixture
def clinician(client):
    user = make_staff(Role.CLINICIAN, is_staff=True)
    login_verified(client, user)
    return user


def test_a_clinician_validates_and_reads_the_report_and_its_plot(client, clinician):
    record = crisis_model_create_draft(artifact=toy_artifact())
    url = reverse("admin:triage_crisismodel_changelist")

    response = client.post(url, {"action": "validate", "_selected_action": [record.pk]})
    assert response.status_code == 302

    page = client.get(reverse("admin:triage_crisismodel_change", args=[record.pk]))
    body = page.content.decode()
    assert "combined sens/spec" in body and "Specificity in en is 0.000, under 0.90" in body
    plot = client.get(reverse("admin:triage_crisismodel_reliability", args=[record.pk]))
    assert plot.status_code == 200 and plot["Content-Type"] == "image/png"


def test_approval_of_a_model_under_the_floors_is_refused_with_the_reasons(client, clinician):
    record = crisis_model_create_draft(artifact=toy_artifact())
    url = reverse("admin:triage_crisismodel_changelist")
    client.post(url, {"action": "validate", "_selected_action": [record.pk]})

    response = client.post(url, {"action": "approve", "_selected_action": [record.pk]}, follow=True)

    assert "Approval refused" in response.content.decode()
    assert CrisisModel.objects.get(pk=record.pk).status == CrisisModel.Status.DRAFT


def test_a_nurse_cannot_open_the_crisis_models(client):
    login_verified(client, make_staff(Role.NURSE, is_staff=True))
    response = client.get(reverse("admin:triage_crisismodel_changelist"))
    assert response.status_code == 403
