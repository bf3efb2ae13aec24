"""FHIR R4 export of a case: valid resources, the engine's scores, audited, Spanish kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from accounts.roles import Role
from audit.models import AccessEvent
from cases.fhir import questionnaires
from cases.fhir.bundle import case_bundle
from cases.models import CrisisScan
from cases.triaging import intake_facts
from tests.factories.cases import make_case, make_intake, make_team
from tests.factories.console import make_triaged_case, signed_in
from triage import engine

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "fhir" / "example-bundle.json"
SPANISH_REASON = "Me siento muy triste y no duermo desde hace semanas."


@pytest.fixture
def team():
    return make_team("north")


def resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def total(bundle: dict, loinc: str) -> dict:
    observations = resources(bundle)["Observation"]
    return next(o for o in observations if o["code"]["coding"][0]["code"] == loinc)


def exports(case) -> int:
    return AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORT, object_type="cases.case", object_id=str(case.pk)
    ).count()


def spanish_case(team):
    intake = make_intake(
        team=team,
        language="es",
        full_name="Lucía Ejemplo",
        date_of_birth="1985-11-20",
        phone="+1 555 0199",
        preferred_language="es",
        reason=SPANISH_REASON,
        answers={"phq9": [1, 1, 2, 1, 0, 1, 1, 0, 0], "gad7": [3, 2, 2, 1, 1, 1, 0]},
    )
    return make_case(intake=intake, acuity="soon")


def test_every_resource_validates(team):
    case = make_triaged_case(team, crisis=True)
    CrisisScan.objects.create(
        case=case, source="intake", source_id=str(case.intake.pk), scan="inline",
        model_version="crisis-model-3", crisis=True,
    )  # fmt: skip

    bundle = case_bundle(case)

    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    kinds = resources(bundle)
    assert len(kinds["QuestionnaireResponse"]) == 4  # PHQ-9, GAD-7, ASQ, the reason
    assert {"Patient", "Consent", "RiskAssessment", "Flag", "Provenance"} <= set(kinds)
    risk = kinds["RiskAssessment"][0]
    assert {c["code"] for c in risk["method"]["coding"]} == {"default-1", "crisis-model-3"}
    assert risk["prediction"][0]["outcome"]["coding"][0]["code"] == "urgent"
    assert kinds["Patient"][0]["telecom"][0]["value"] == "+1 555 0100"


def test_no_flag_without_a_crisis(team):
    assert "Flag" not in resources(case_bundle(make_triaged_case(team)))


def test_totals_and_bands_are_the_engines(team):
    case = make_triaged_case(team, crisis=True)
    facts = intake_facts(case.intake)

    bundle = case_bundle(case)

    phq9 = engine.score_phq9(facts.phq9, facts.phq9_difficulty)
    gad7 = engine.score_gad7(facts.gad7)
    for loinc, result in (("44261-6", phq9), ("70274-6", gad7)):
        observation = total(bundle, loinc)
        assert observation["valueInteger"] == result.total
        assert observation["interpretation"][0]["coding"][0]["code"] == result.band


def test_responses_reference_the_shipped_questionnaires(team):
    bundle = case_bundle(make_triaged_case(team))

    for response in resources(bundle)["QuestionnaireResponse"]:
        url, version = response["questionnaire"].split("|")
        key = url.rsplit("/", 1)[1]
        shipped = questionnaires.shipped(key)
        assert (shipped["url"], shipped["version"]) == (url, version)
        link_ids = {item["linkId"] for item in shipped["item"]}
        assert {item["linkId"] for item in response["item"]} <= link_ids


@pytest.mark.parametrize("key", questionnaires.KEYS)
def test_the_shipped_questionnaires_match_the_engines_wording(key):
    shipped = questionnaires.shipped(key)
    get_fhir_model_class("Questionnaire").model_validate(shipped)
    assert shipped == questionnaires.build(key), "run python -m cases.fhir.questionnaires"


def test_a_spanish_intake_keeps_its_words_and_gets_spanish_displays(team):
    bundle = case_bundle(spanish_case(team))

    assert bundle["language"] == "es"
    responses = {
        r["questionnaire"].split("|")[0].rsplit("/", 1)[1]: r
        for r in resources(bundle)["QuestionnaireResponse"]
    }
    assert responses["intake-reason"]["item"][0]["answer"][0]["valueString"] == SPANISH_REASON
    first = responses["phq9"]["item"][0]
    assert first["text"] == "Poco interés o placer en hacer cosas"
    assert first["answer"][0]["valueCoding"] == {
        "system": "http://loinc.org", "code": "LA6569-3", "display": "Varios días"
    }  # fmt: skip
    assert total(bundle, "44261-6")["interpretation"][0]["text"] == "depresión leve"
    assert total(bundle, "70274-6")["interpretation"][0]["text"] == "ansiedad moderada"
    risk = resources(bundle)["RiskAssessment"][0]
    assert risk["prediction"][0]["outcome"]["text"] == "Pronto"
    assert resources(bundle)["Patient"][0]["name"] == [{"text": "Lucía Ejemplo"}]


def test_the_download_is_audited_once_and_not_stored(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.get(reverse("console:case_fhir_export", args=[case.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "no-store" in response["Cache-Control"]
    assert f"case-{case.reference}" in response["Content-Disposition"]
    Bundle.model_validate(json.loads(response.content))
    assert exports(case) == 1
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT, object_id=str(case.pk))
    assert event.patient_ref == case.reference


def test_the_case_page_links_to_the_download(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    html = client.get(reverse("console:case", args=[case.pk])).content.decode()

    assert reverse("console:case_fhir_export", args=[case.pk]) in html


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR])
def test_roles_without_read_phi_get_nothing(client, team, role):
    signed_in(client, role, team)
    case = make_triaged_case(team)

    response = client.get(reverse("console:case_fhir_export", args=[case.pk]))

    assert response.status_code in (403, 404)
    assert exports(case) == 0


def test_another_teams_case_is_a_404_for_a_nurse(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(make_team("south"))

    response = client.get(reverse("console:case_fhir_export", args=[case.pk]))

    assert response.status_code == 404
    assert exports(case) == 0


def test_the_command_writes_one_file_and_one_event_per_case(tmp_path, team):
    first, second = make_triaged_case(team), make_triaged_case(team, crisis=True)

    call_command("fhir_export", "--since", "2000-01-01", "--out", str(tmp_path))

    for case in (first, second):
        path = tmp_path / f"case-{case.reference}.fhir.json"
        Bundle.model_validate(json.loads(path.read_text("utf-8")))
        assert exports(case) == 1


def test_the_command_exports_one_case_by_reference(tmp_path, team):
    case, other = make_triaged_case(team), make_triaged_case(team)

    call_command("fhir_export", "--case", case.reference.lower(), "--out", str(tmp_path))

    assert [p.name for p in tmp_path.iterdir()] == [f"case-{case.reference}.fhir.json"]
    assert (exports(case), exports(other)) == (1, 0)


def test_the_command_refuses_an_unknown_case(tmp_path):
    with pytest.raises(CommandError, match="No case"):
        call_command("fhir_export", "--case", "ZZZZ-9999", "--out", str(tmp_path))


def test_the_committed_example_still_validates():
    bundle = json.loads(EXAMPLE.read_text("utf-8"))
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
