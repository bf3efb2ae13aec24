"""What a patient can do from the private status link: read, update, export, withdraw.

Each function records an audit event in its own transaction, with no staff actor and
``{"by": "patient"}`` in the details (the patient reading or changing their own PHI).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from cases import selectors
from cases import services as case_services
from cases.models import Case, CaseEvent, CrisisSignal, TriageResult
from intake import services
from intake.models import Intake

OBJECT_TYPE = "intake.Intake"
ERASABLE = ("full_name", "date_of_birth", "phone", "email", "reason")


def _record(request, intake: Intake, action: str, **details) -> None:
    record_access(
        request=request,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=intake.pk,
        patient_ref=intake.reference,
        details={"by": "patient", "via": "status_link", **details},
    )


def case_of(intake: Intake) -> Case | None:
    return selectors.case_of_intake(intake=intake)


@transaction.atomic
def intake_status_view(*, request, intake: Intake) -> None:
    """The patient opened their status page (their own PHI is shown)."""
    _record(request, intake, AccessEvent.Action.VIEW)


@transaction.atomic
def intake_update_contact(*, request, intake: Intake, data: dict) -> Intake:
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != Intake.Status.SUBMITTED:
        raise services.IntakeError("Contact details can only change while the request is open.")
    touched = services._apply(intake, "status_contact", data)
    intake.save(update_fields=[*set(touched), "updated_at"])
    case = case_of(intake)
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            summary="Patient updated contact details from the status link",
            data={"by": "patient", "fields": sorted(set(touched))},
        )
    _record(request, intake, AccessEvent.Action.UPDATE, fields=sorted(set(touched)))
    return intake


@transaction.atomic
def intake_export(*, request, intake: Intake) -> dict:
    """Everything the clinic holds from this intake, for the patient to download."""
    case = case_of(intake)
    consent = intake.consent
    data = {
        "reference": intake.reference,
        "status": intake.status,
        "language": intake.language,
        "created_at": intake.created_at.isoformat(),
        "submitted_at": intake.submitted_at.isoformat() if intake.submitted_at else None,
        "consent": {
            "document_version": consent.document_version,
            "document_hash": consent.document_hash,
            "language": consent.language,
            "method": consent.method,
            "given_at": consent.given_at.isoformat(),
            "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
        },
        "contact": {
            "full_name": intake.full_name,
            "date_of_birth": intake.date_of_birth,
            "phone": intake.phone,
            "email": intake.email,
            "preferred_contact": intake.preferred_contact,
            "voicemail_ok": intake.voicemail_ok,
        },
        "reason": intake.reason,
        "answers": intake.answers,
        "demographics": {
            "age_band": intake.age_band,
            "gender": intake.gender,
            "preferred_language": intake.preferred_language,
        },
        "case": None
        if case is None
        else {
            "status": case.status,
            "opened_at": case.opened_at.isoformat(),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "disposition": case.disposition,
        },
    }
    _record(request, intake, AccessEvent.Action.EXPORT)
    return data


def _erase(intake: Intake, case: Case | None) -> None:
    """Blank every encrypted value the patient gave (settings.WITHDRAWAL_ERASES_DATA)."""
    for name in ERASABLE:
        setattr(intake, name, "")
    intake.answers = None
    intake.phone_index = intake.email_index = ""
    intake.save(update_fields=[*ERASABLE, "answers", "phone_index", "email_index"])
    if case is None:
        return
    for signal in CrisisSignal.objects.filter(case=case):
        signal.matched = ""
        signal.save(update_fields=["matched"])
    for result in TriageResult.objects.filter(case=case):
        result.reasons = []
        result.screeners = None
        result.save(update_fields=["reasons", "screeners"])


@transaction.atomic
def intake_withdraw_consent(*, request, intake: Intake) -> Intake:
    """Stop processing: consent withdrawn, case closed, data kept or erased per setting."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status == Intake.Status.WITHDRAWN:
        return intake
    now = timezone.now()
    consent = intake.consent
    consent.withdrawn_at = now
    consent.save(update_fields=["withdrawn_at"])
    intake.status = Intake.Status.WITHDRAWN
    intake.save(update_fields=["status", "updated_at"])
    case = case_of(intake)
    if case is not None:
        case_services.case_close(case=case, disposition=Case.Disposition.CONSENT_WITHDRAWN)
    erase = settings.WITHDRAWAL_ERASES_DATA
    if erase:
        _erase(intake, case)
        if case is not None:
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.CONSENT_WITHDRAWN,
                summary="Patient data erased after withdrawal (WITHDRAWAL_ERASES_DATA)",
                data={"by": "patient", "erased": True},
            )
    _record(request, intake, AccessEvent.Action.UPDATE, withdrawn=True, erased=erase)
    return intake


@transaction.atomic
def intake_revoke_status_link(*, intake: Intake, request=None) -> Intake:
    """Stop the status link from working (staff, from the admin)."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status_token_revoked_at is None:
        intake.status_token_revoked_at = timezone.now()
        intake.save(update_fields=["status_token_revoked_at", "updated_at"])
        record_access(
            request=request,
            action=AccessEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=intake.pk,
            patient_ref=intake.reference,
            details={"status_link": "revoked"},
        )
    return intake
