"""A crisis model that cannot be loaded: the scan falls back to the lexicon, loudly."""

import logging

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.models import CrisisScan
from intake.submission import case_open_from_intake
from lib import health
from tests.factories.accounts import login_verified, make_staff
from tests.factories.cases import make_intake, make_team
from triage.crisis_models import active
from triage.models import CrisisModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_model(django_user_model):
    approver = make_staff(Role.CLINICIAN)
    return CrisisModel.objects.create(
        number=1, version="cm-000000000000", artifact=b"truncated", threshold=0.5,
        status=CrisisModel.Status.ACTIVE, approved_by=approver,
    )  # fmt: skip


def test_the_scan_falls_back_to_the_lexicon_and_still_pages(broken_model, caplog):
    intake = make_intake(reason="I am going to kill myself tonight")

    with caplog.at_level(logging.ERROR, logger="triage.crisis_models.active"):
        opening = case_open_from_intake(intake=intake)

    assert opening.crisis and opening.case.acuity == "emergent"
    scan = CrisisScan.objects.get(case=opening.case)
    assert scan.model_version == "" and scan.model_probability is None
    assert scan.lexicon_rule_ids and scan.crisis
    assert "Crisis model unavailable, scanning with the lexicon only" in caplog.text


def test_healthz_reports_the_model_problem(client, broken_model):
    health.record_heartbeat("worker-1")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    check = response.json()["checks"]["crisis_model"]
    assert check["ok"] is False and "cm-000000000000" in check["error"]


def test_healthz_says_the_model_is_fine_when_it_loads(client):
    health.record_heartbeat("worker-1")
    assert client.get(reverse("healthz")).json()["checks"]["crisis_model"] == {"ok": True}


def test_the_supervisor_page_says_the_scan_runs_on_the_phrase_list_alone(client, broken_model):
    supervisor = make_staff(Role.SUPERVISOR, team=make_team())
    login_verified(client, supervisor)

    body = client.get(reverse("console:supervisor")).content.decode()

    assert 'id="crisis-model-problem"' in body
    assert "running on the phrase list alone" in body


def test_the_model_is_used_again_once_it_loads(broken_model):
    assert active.active_model()[1] is None
    broken_model.status = CrisisModel.Status.RETIRED
    broken_model.save()
    assert active.active_model()[1] is not None
    assert active.health() == {"ok": True}
