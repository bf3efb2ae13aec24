"""A case as a FHIR R4 (R4B) ``collection`` Bundle, validated with fhir.resources.

``build_bundle`` is plain: it takes the case's rows (case, intake, consent, latest
TriageResult and CrisisScan) and returns the validated Bundle as JSON-ready data.
``case_bundle(case)`` fetches those rows. Resource ids are UUIDs derived from the case
id, so exporting the same case twice names the same resources.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import fhir.resources
from django.utils import timezone
from django.utils.translation import override
from fhir.resources.R4B.bundle import Bundle

from cases.fhir import codes
from cases.fhir.responses import screener_resources
from cases.models import Case, CrisisScan, TriageResult
from triage.models import Acuity

NAMES = (
    "patient",
    "consent",
    *("qr-phq9", "qr-gad7", "qr-asq", "qr-intake-reason", "obs-phq9", "obs-gad7"),
    "risk",
    "flag",
    "provenance",
)


def _ids(case: Case) -> dict[str, str]:
    return {name: str(uuid.uuid5(case.pk, name)) for name in NAMES}


def _ref(ids: dict, name: str) -> dict:
    return {"reference": f"urn:uuid:{ids[name]}"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def patient(case: Case, intake, ids: dict) -> dict:
    """Only what the intake collected: name, birth date, phone, e-mail, language."""
    resource = {
        "resourceType": "Patient",
        "id": ids["patient"],
        "identifier": [{"system": codes.REFERENCE_SYSTEM, "value": case.reference}],
    }
    if intake.full_name:
        resource["name"] = [{"text": intake.full_name}]
    if intake.date_of_birth:
        resource["birthDate"] = intake.date_of_birth
    telecom = []
    if intake.phone:
        preferred = intake.preferred_contact in ("phone", "text")
        telecom.append(
            {"system": "phone", "value": intake.phone, **({"rank": 1} if preferred else {})}
        )
    if intake.email:
        preferred = intake.preferred_contact == "email"
        telecom.append(
            {"system": "email", "value": intake.email, **({"rank": 1} if preferred else {})}
        )
    if telecom:
        resource["telecom"] = telecom
    if intake.preferred_language in ("en", "es"):
        display = {"en": "English", "es": "Español"}[intake.preferred_language]
        language = {
            "coding": [
                {"system": codes.BCP47, "code": intake.preferred_language, "display": display}
            ]
        }
        resource["communication"] = [{"language": language, "preferred": True}]
    return resource


def consent(consent_row, ids: dict) -> dict:
    """The consent document version the patient accepted, when, and its scope."""
    document = consent_row.document
    return {
        "resourceType": "Consent",
        "id": ids["consent"],
        "status": "inactive" if consent_row.withdrawn_at else "active",
        "scope": {"coding": [{"system": codes.CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [
            {"coding": [{"system": codes.LOINC, "code": "59284-0", "display": "Patient Consent"}]}
        ],
        "patient": _ref(ids, "patient"),
        "dateTime": _iso(consent_row.given_at),
        "policy": [
            {
                "uri": f"{codes.CANONICAL}/consent/{consent_row.language}"
                f"/v{consent_row.document_version}"
            }
        ],
        "sourceAttachment": {
            "language": consent_row.language,
            "title": f"{document.title} (v{consent_row.document_version})",
        },
        **(
            {"provision": {"period": {"end": _iso(consent_row.withdrawn_at)}}}
            if consent_row.withdrawn_at
            else {}
        ),
    }


def _basis(result: TriageResult | None, scan: CrisisScan | None) -> list[dict]:
    method = []
    if result is not None:
        method.append({"system": codes.SCRIPT_SYSTEM, "code": result.script_version})
    if scan is not None and scan.model_version:
        method.append({"system": codes.CRISIS_MODEL_SYSTEM, "code": scan.model_version})
    return method


def risk_assessment(case: Case, result, scan, ids: dict, language: str, basis: list[str]) -> dict:
    """The triage outcome: acuity, crisis flag, and the script and crisis model behind it."""
    acuity = result.acuity if result is not None else case.triage_acuity
    crisis = result.crisis if result is not None else case.crisis
    with override(language):
        acuity_words, crisis_words = str(Acuity(acuity).label), str(codes.CRISIS_WORDS)
        method_words = str(codes.SCRIPT_WORDS)
    prediction = [
        {
            "outcome": {
                "coding": [
                    {"system": codes.ACUITY_SYSTEM, "code": acuity, "display": acuity_words}
                ],
                "text": acuity_words,
            }
        }
    ]
    if crisis:
        outcome = {
            "coding": [{"system": codes.CRISIS_SYSTEM, "code": "crisis", "display": crisis_words}],
            "text": crisis_words,
        }
        prediction.append(
            {
                "outcome": outcome,
                "qualitativeRisk": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/risk-probability",
                            "code": "high",
                        }
                    ]
                },
            }
        )
    resource = {
        "resourceType": "RiskAssessment",
        "id": ids["risk"],
        "language": language,
        "status": "final",
        "subject": _ref(ids, "patient"),
        "method": {"coding": _basis(result, scan), "text": method_words},
        "basis": [_ref(ids, name) for name in basis],
        "prediction": prediction,
    }
    when = result.created_at if result is not None else case.opened_at
    resource["occurrenceDateTime"] = _iso(when)
    return resource


def flag(case: Case, ids: dict, language: str) -> dict:
    with override(language):
        words = str(codes.CRISIS_WORDS)
    return {
        "resourceType": "Flag",
        "id": ids["flag"],
        "language": language,
        "status": "active",
        "category": [{"coding": [{"system": codes.FLAG_CATEGORY, "code": "safety"}]}],
        "code": {
            "coding": [{"system": codes.CRISIS_SYSTEM, "code": "crisis", "display": words}],
            "text": words,
        },
        "subject": _ref(ids, "patient"),
        "period": {"start": _iso(case.opened_at)},
    }


def provenance(ids: dict, targets: list[str], result, scan, now: datetime, version: str) -> dict:
    """Which software assembled the bundle, with the versions that made its judgements."""
    agents = [
        (f"{codes.SOFTWARE} {version} (fhir.resources {fhir.resources.__version__})", "assembler")
    ]
    if result is not None:
        agents.append((f"triage script {result.script_version}", "author"))
    if scan is not None and scan.model_version:
        agents.append((f"crisis model {scan.model_version}", "author"))
    return {
        "resourceType": "Provenance",
        "id": ids["provenance"],
        "target": [{"reference": f"urn:uuid:{target}"} for target in targets],
        "recorded": _iso(now),
        "agent": [
            {
                "type": {"coding": [{"system": codes.PROVENANCE_AGENT, "code": kind}]},
                "who": {"display": who},
            }
            for who, kind in agents
        ],
    }


def build_bundle(*, case: Case, intake, consent_row, result, scan, now=None, version="") -> dict:
    """The validated Bundle as JSON-ready data (raises pydantic's ValidationError if not)."""
    now = now or timezone.now()
    ids = _ids(case)
    language = intake.language
    resources = [patient(case, intake, ids), consent(consent_row, ids)]
    resources += screener_resources(intake, ids, _iso(intake.submitted_at))
    present = {r["id"] for r in resources}
    basis = [n for n in NAMES if n.startswith(("qr-", "obs-")) and ids[n] in present]
    resources.append(risk_assessment(case, result, scan, ids, language, basis))
    if case.crisis:
        resources.append(flag(case, ids, language))
    resources.append(provenance(ids, [r["id"] for r in resources], result, scan, now, version))
    data = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(case.pk, "bundle")),
        "language": language,
        "type": "collection",
        "timestamp": _iso(now),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True, by_alias=True)


def case_bundle(case: Case, *, now=None) -> dict:
    """Fetch the case's rows (latest triage result and crisis scan) and build its Bundle."""
    intake = case.intake  # through the relation: the intake app sits above cases
    return build_bundle(
        case=case,
        intake=intake,
        consent_row=intake.consent,
        result=case.triage_results.order_by("-created_at").first(),
        scan=case.crisis_scans.order_by("-created_at").first(),
        now=now,
        version=codes.SOFTWARE_VERSION,
    )
