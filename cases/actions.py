"""What clinicians do to a case: the console's actions, each one transaction.

Each checks who may act, changes the case through ``cases.services`` (the only writer
of its acuity, status, claim and crisis flag, guarded in SQL so two clinicians acting
at once never both win), and writes an audit event in the same transaction, so the
change, its timeline event and the audit event commit together or not at all.

Refusals raise ``ActionError`` with a message meant for the person who tried.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import has_role
from audit.models import AccessEvent
from audit.services import record_access
from cases import services
from cases.access import break_glass_for_review
from cases.models import AcuityOverride, BreakGlassAccess, Case, CaseEvent, CrisisSignal
from cases.services import OBJECT_TYPE
from cases.triaging import raise_page
from triage.models import Acuity

# Lowering one of these (or clearing a crisis) needs a second clinician.
GUARDED_ACUITIES = frozenset({Acuity.EMERGENT, Acuity.URGENT})
# Dispositions a clinician can choose (consent withdrawal is the patient's own path).
CLINICAL_DISPOSITIONS = [
    choice for choice in Case.Disposition if choice != Case.Disposition.CONSENT_WITHDRAWN
]


class ContactOutcome(models.TextChoices):
    REACHED = "reached", gettext_lazy("Reached the patient")
    NO_ANSWER = "no_answer", gettext_lazy("No answer")
    VOICEMAIL = "voicemail", gettext_lazy("Left a voicemail")
    MESSAGE_SENT = "message_sent", gettext_lazy("Message sent")
    WRONG_DETAILS = "wrong_details", gettext_lazy("Wrong number or address")


class ActionError(Exception):
    """The action was refused; ``str(error)`` tells the clinician why."""


class ClaimConflict(ActionError):
    """Someone else claimed (or closed) the case first."""


def _now() -> dt.datetime:
    return timezone.now()


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise ActionError(_("You do not have permission to do that."))


def _audit(case: Case, user, action: str, change: str, **details) -> None:
    record_access(
        actor=user,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=str(case.pk),
        patient_ref=case.reference,
        details={"change": change, **details},
    )


def _event(case: Case, kind: str, user, summary: str, body: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=user, summary=summary[:200], body=body, data=data
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else _("the system")


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _contact_methods() -> list[str]:
    # The intake app sits above cases: its choices are reached through the relation.
    return Case._meta.get_field("intake").related_model.ContactMethod.values


def _require_not_closed(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ActionError(_("Case %(ref)s is closed.") % {"ref": case.reference})


# ---- claim and release ------------------------------------------------------------------


@transaction.atomic
def case_claim(*, case: Case, user) -> Case:
    """Take an open case. Race-safe: of two clinicians claiming at once, one wins."""
    _require(user, "accounts.work_cases")
    claimed = services.case_claim(case=case, user=user)
    if claimed is None:
        current = Case.objects.select_related("claimed_by").get(pk=case.pk)
        if current.claimed_by_id == user.pk:
            return current  # already yours: a double click is not an error
        if current.status == Case.Status.CLOSED:
            raise ClaimConflict(_("Case %(ref)s is already closed.") % {"ref": current.reference})
        raise ClaimConflict(
            _("Case %(ref)s was just claimed by %(name)s.")
            % {"ref": current.reference, "name": _name(current.claimed_by)}
        )
    _audit(claimed, user, AccessEvent.Action.UPDATE, "claim")
    return claimed


@transaction.atomic
def case_release(*, case: Case, user) -> Case:
    """Give a claimed case back to the queue (its claimer, or a supervisor)."""
    _require(user, "accounts.work_cases")
    claimer = None if has_role(user, "supervisor") else user
    released = services.case_release(case=case, user=user, claimer=claimer)
    if released is None:
        current = Case.objects.get(pk=case.pk)
        if current.status == Case.Status.OPEN:
            return current
        raise ActionError(
            _("Only the clinician who claimed case %(ref)s, or a supervisor, can release it.")
            % {"ref": current.reference}
        )
    _audit(released, user, AccessEvent.Action.UPDATE, "release")
    return released


# ---- notes and contact attempts ----------------------------------------------------------


@transaction.atomic
def case_add_note(*, case: Case, user, text: str) -> CaseEvent:
    """A free-text note on the timeline; its text is sealed (it may hold PHI)."""
    _require(user, "accounts.work_cases")
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the note before saving it."))
    event = _event(case, CaseEvent.Kind.NOTE, user, f"Note by {_name(user)}", body=text)
    _audit(case, user, AccessEvent.Action.CREATE, "note", event=str(event.pk))
    return event


@transaction.atomic
def case_record_contact_attempt(
    *, case: Case, user, method: str, outcome: str, note: str = ""
) -> CaseEvent:
    """Record an attempt to reach the patient; it stops the overdue release."""
    _require(user, "accounts.work_cases")
    if method not in _contact_methods():
        raise ActionError(_("Choose how you tried to reach the patient."))
    if outcome not in ContactOutcome.values:
        raise ActionError(_("Choose the outcome of the attempt."))
    case = _locked(case)
    _require_not_closed(case)
    case.last_contact_attempt_at = _now()
    case.save(update_fields=["last_contact_attempt_at"])
    event = _event(
        case,
        CaseEvent.Kind.CONTACT_ATTEMPT,
        user,
        f"Contact attempt ({method}): {ContactOutcome(outcome).label}",
        body=(note or "").strip(),
        method=method,
        outcome=outcome,
    )
    _audit(case, user, AccessEvent.Action.UPDATE, "contact_attempt", method=method)
    return event


# ---- acuity overrides --------------------------------------------------------------------


def override_needs_confirmation(case: Case, to_acuity: str, clear_crisis: bool) -> bool:
    lowering = Acuity.rank(to_acuity) > case.acuity_rank
    return (clear_crisis and case.crisis) or (lowering and case.acuity in GUARDED_ACUITIES)


@transaction.atomic
def case_override_request(
    *, case: Case, user, to_acuity: str, reason: str, clear_crisis: bool = False
) -> AcuityOverride:
    """Change a case's acuity with a reason; the engine's value stays on the case.

    Raising the acuity applies at once and is open to anyone who works cases (it only
    errs toward safety). Lowering needs ``accounts.override_triage``; lowering an
    emergent or urgent case, or clearing its crisis flag, waits for a second
    clinician (``case_override_confirm``).
    """
    _require(user, "accounts.work_cases")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give a reason for the override."))
    if to_acuity not in Acuity.values:
        raise ActionError(_("Choose an acuity."))
    case = _locked(case)
    _require_not_closed(case)
    clear_crisis = bool(clear_crisis and case.crisis)
    raising = Acuity.rank(to_acuity) < case.acuity_rank
    if to_acuity == case.acuity and not clear_crisis:
        raise ActionError(_("The case already has that acuity."))
    if not raising:
        _require(user, "accounts.override_triage")
    if case.overrides.filter(status=AcuityOverride.Status.PENDING).exists() and not raising:
        raise ActionError(_("An override of this case is already waiting for confirmation."))
    pending = override_needs_confirmation(case, to_acuity, clear_crisis)
    override = AcuityOverride.objects.create(
        case=case,
        from_acuity=case.acuity,
        to_acuity=to_acuity,
        clear_crisis=clear_crisis,
        reason=reason,
        requested_by=user,
        status=AcuityOverride.Status.PENDING if pending else AcuityOverride.Status.APPLIED,
        decided_at=None if pending else _now(),
    )
    what = f"{override.from_acuity} to {to_acuity}" + (", clear crisis" if clear_crisis else "")
    described = {
        "from_acuity": override.from_acuity,
        "to_acuity": to_acuity,
        "clear_crisis": clear_crisis,
        "status": override.status,
    }
    if pending:
        summary = f"Override requested by {_name(user)} ({what}); awaiting a second clinician"
        _event(
            case,
            CaseEvent.Kind.OVERRIDE,
            user,
            summary,
            body=reason,
            override=str(override.pk),
            **described,
        )
    else:
        summary = f"Acuity overridden by {_name(user)} ({what})"
        services.case_override_acuity(
            case=case, override=override, user=user, summary=summary, body=reason, **described
        )
    _audit(case, user, AccessEvent.Action.UPDATE, "override", status=override.status)
    return override


@transaction.atomic
def case_override_confirm(
    *, override: AcuityOverride, user, approve: bool = True
) -> AcuityOverride:
    """A second clinician confirms (or rejects) a pending override."""
    _require(user, "accounts.confirm_override")
    override = AcuityOverride.objects.select_for_update().get(pk=override.pk)
    if override.status != AcuityOverride.Status.PENDING:
        raise ActionError(_("This override was already decided."))
    if override.requested_by_id == user.pk:
        raise ActionError(_("A different clinician must confirm your own override."))
    case = _locked(override.case)
    _require_not_closed(case)
    if approve and case.acuity != override.from_acuity:
        # The case changed since the request: reject rather than apply on old facts.
        # The caller sees a REJECTED override it asked to approve.
        approve = False
    override.status = AcuityOverride.Status.APPLIED if approve else AcuityOverride.Status.REJECTED
    override.confirmed_by = user
    override.decided_at = _now()
    override.save(update_fields=["status", "confirmed_by", "decided_at"])
    if approve:
        summary = (
            f"Override confirmed by {_name(user)} ({override.from_acuity} to {override.to_acuity})"
        )
        services.case_override_acuity(
            case=case, override=override, user=user, summary=summary, status=override.status
        )
    else:
        summary = f"Override rejected by {_name(user)}"
        _event(
            case,
            CaseEvent.Kind.OVERRIDE,
            user,
            summary,
            override=str(override.pk),
            status=override.status,
        )
    _audit(case, user, AccessEvent.Action.UPDATE, "override_decision", status=override.status)
    return override


# ---- crisis signal feedback --------------------------------------------------------------


@transaction.atomic
def signal_review(*, signal: CrisisSignal, user, review: str) -> CrisisSignal:
    """Mark a crisis signal true or false positive (feedback for the script authors).

    A false positive does not clear the case's crisis flag: that is an override.
    """
    _require(user, "accounts.work_cases")
    if review not in (CrisisSignal.Review.TRUE_POSITIVE, CrisisSignal.Review.FALSE_POSITIVE):
        raise ActionError(_("Choose true or false positive."))
    signal = CrisisSignal.objects.select_for_update().select_related("case").get(pk=signal.pk)
    signal.review = review
    signal.reviewed_by = user
    signal.reviewed_at = _now()
    signal.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    label = CrisisSignal.Review(review).label
    _event(
        signal.case,
        CaseEvent.Kind.SIGNAL_REVIEW,
        user,
        f"Signal {signal.rule_id} marked {label} by {_name(user)}",
        signal=str(signal.pk),
        review=review,
    )
    _audit(signal.case, user, AccessEvent.Action.UPDATE, "signal_review", review=review)
    return signal


@transaction.atomic
def signal_record_missed(*, case: Case, user, category: str, note: str) -> CrisisSignal:
    """Record a crisis signal the engine missed; the case becomes a crisis case at once."""
    _require(user, "accounts.work_cases")
    category = (category or "").strip()[:32]
    note = (note or "").strip()
    if not category:
        raise ActionError(_("Choose the kind of signal."))
    if not note:
        raise ActionError(_("Describe what the engine missed."))
    case = _locked(case)
    signal = CrisisSignal.objects.create(
        case=case,
        source=CrisisSignal.Source.STAFF,
        source_id=uuid.uuid4().hex,
        category=category,
        severity="high",
        rule_id="staff",
        matched=note,
        review=CrisisSignal.Review.TRUE_POSITIVE,
        reviewed_by=user,
        reviewed_at=_now(),
    )
    # A missed crisis is a crisis case like any other: emergent, and a person is paged
    # (or the open page gets the signal), never "Routine" with a crisis flag.
    services.case_escalate(case=case, acuity=Acuity.EMERGENT, crisis=True, version="staff")
    raise_page(case=case, signals=[signal])
    _event(
        case,
        CaseEvent.Kind.SIGNAL,
        user,
        f"Missed {category} signal recorded by {_name(user)}",
        body=note,
        signal=str(signal.pk),
        source="staff",
    )
    _audit(case, user, AccessEvent.Action.CREATE, "missed_signal", category=category)
    return signal


# ---- disposition -------------------------------------------------------------------------


@transaction.atomic
def case_dispose(*, case: Case, user, disposition: str, note: str = "") -> Case:
    """Record the outcome and close the case."""
    _require(user, "accounts.work_cases")
    if disposition not in [choice.value for choice in CLINICAL_DISPOSITIONS]:
        raise ActionError(_("Choose a disposition."))
    case = _locked(case)
    _require_not_closed(case)
    if (
        case.status == Case.Status.CLAIMED
        and case.claimed_by_id != user.pk
        and not has_role(user, "supervisor")
    ):
        raise ActionError(
            _("Case %(ref)s is claimed by someone else; they or a supervisor can close it.")
            % {"ref": case.reference}
        )
    case = services.case_close(case=case, disposition=disposition, user=user, note=note)
    _audit(case, user, AccessEvent.Action.UPDATE, "disposition", disposition=disposition)
    return case


# ---- break-glass review --------------------------------------------------------------------


@transaction.atomic
def break_glass_review(*, access: BreakGlassAccess, user) -> BreakGlassAccess:
    """A supervisor marks a break-glass access as reviewed (idempotent)."""
    access = (
        break_glass_for_review(user).select_for_update(of=("self",)).filter(pk=access.pk).first()
    )
    if access is None:
        raise ActionError(_("You cannot review that access."))
    if access.reviewed_at is not None:
        return access
    access.reviewed_by = user
    access.reviewed_at = _now()
    access.save(update_fields=["reviewed_by", "reviewed_at"])
    record_access(
        actor=user,
        action=AccessEvent.Action.UPDATE,
        object_type="cases.breakglassaccess",
        object_id=str(access.pk),
        patient_ref=access.case.reference,
        details={"change": "break_glass_reviewed"},
    )
    return access
