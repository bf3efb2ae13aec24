"""What clinicians do to a case: the one write path for each console action.

Every function is a transaction that changes the case, appends to its timeline
(``CaseEvent``) and writes an audit event in the same transaction, so the three
commit together or not at all. Status changes are guarded in SQL (conditional
``UPDATE ... WHERE status = ...`` plus a row count, or ``select_for_update``), so two
clinicians acting at once never both win.

Refusals raise ``ActionError`` with a message meant for the person who tried.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import has_role
from audit.models import AccessEvent
from audit.services import record_access
from cases.access import break_glass_for_review
from cases.models import AcuityOverride, BreakGlassAccess, Case, CaseEvent, CrisisSignal
from cases.opening import escalate, raise_page
from cases.targets import due_at
from intake.models import Intake
from triage.models import Acuity

OBJECT_TYPE = "cases.case"
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


def _require_not_closed(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ActionError(_("Case %(ref)s is closed.") % {"ref": case.reference})


# ---- claim and release ------------------------------------------------------------------


@transaction.atomic
def case_claim(*, case: Case, user) -> Case:
    """Take an open case. Race-safe: of two clinicians claiming at once, one wins."""
    _require(user, "accounts.work_cases")
    now = _now()
    won = Case.objects.filter(pk=case.pk, status=Case.Status.OPEN).update(
        status=Case.Status.CLAIMED, claimed_by=user, claimed_at=now
    )
    current = Case.objects.select_related("claimed_by").get(pk=case.pk)
    if not won:
        if current.claimed_by_id == user.pk:
            return current  # already yours: a double click is not an error
        if current.status == Case.Status.CLOSED:
            raise ClaimConflict(_("Case %(ref)s is already closed.") % {"ref": current.reference})
        raise ClaimConflict(
            _("Case %(ref)s was just claimed by %(name)s.")
            % {"ref": current.reference, "name": _name(current.claimed_by)}
        )
    _event(current, CaseEvent.Kind.CLAIMED, user, f"Claimed by {_name(user)}")
    _audit(current, user, AccessEvent.Action.UPDATE, "claim")
    return current


@transaction.atomic
def case_release(*, case: Case, user) -> Case:
    """Give a claimed case back to the queue (its claimer, or a supervisor)."""
    _require(user, "accounts.work_cases")
    claims = Case.objects.filter(pk=case.pk, status=Case.Status.CLAIMED)
    if not has_role(user, "supervisor"):
        claims = claims.filter(claimed_by=user)
    released = claims.update(status=Case.Status.OPEN, claimed_by=None, claimed_at=None)
    current = Case.objects.get(pk=case.pk)
    if not released:
        if current.status == Case.Status.OPEN:
            return current
        raise ActionError(
            _("Only the clinician who claimed case %(ref)s, or a supervisor, can release it.")
            % {"ref": current.reference}
        )
    _event(current, CaseEvent.Kind.RELEASED, user, f"Released by {_name(user)}")
    _audit(current, user, AccessEvent.Action.UPDATE, "release")
    return current


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
    if method not in Intake.ContactMethod.values:
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


def _apply_acuity(case: Case, acuity: str, *, clear_crisis: bool = False) -> None:
    rank = Acuity.rank(acuity)
    fields = []
    if acuity != case.acuity:
        # Raising brings the target closer at once; lowering moves it to the new
        # acuity's target counted from when the case opened.
        case.acuity, case.acuity_rank = acuity, rank
        case.due_at = due_at(acuity, case.opened_at)
        fields += ["acuity", "acuity_rank", "due_at"]
    if clear_crisis and case.crisis:
        case.crisis = False
        fields.append("crisis")
    if fields:
        case.save(update_fields=fields)


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
    if pending:
        summary = f"Override requested by {_name(user)} ({what}); awaiting a second clinician"
    else:
        _apply_acuity(case, to_acuity, clear_crisis=clear_crisis)
        summary = f"Acuity overridden by {_name(user)} ({what})"
    _event(
        case,
        CaseEvent.Kind.OVERRIDE,
        user,
        summary,
        body=reason,
        override=str(override.pk),
        from_acuity=override.from_acuity,
        to_acuity=to_acuity,
        clear_crisis=clear_crisis,
        status=override.status,
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
        _apply_acuity(case, override.to_acuity, clear_crisis=override.clear_crisis)
        summary = (
            f"Override confirmed by {_name(user)} ({override.from_acuity} to {override.to_acuity})"
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
    escalate(case=case, acuity=Acuity.EMERGENT, crisis=True, version="staff")
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
    case.status = Case.Status.CLOSED
    case.disposition = disposition
    case.closed_at = _now()
    case.save(update_fields=["status", "disposition", "closed_at"])
    label = Case.Disposition(disposition).label
    _event(
        case,
        CaseEvent.Kind.DISPOSITION,
        user,
        f"Closed by {_name(user)}: {label}",
        body=(note or "").strip(),
        disposition=disposition,
    )
    _audit(case, user, AccessEvent.Action.UPDATE, "disposition", disposition=disposition)
    return case


# ---- overdue release (beat, every minute) -------------------------------------------------


@transaction.atomic
def cases_release_overdue(*, now: dt.datetime | None = None, limit: int = 500) -> list:
    """Release claimed cases past their target without a contact attempt, and flag them.

    A case must never sit forgotten under someone's name. The claimer always has
    ``CLAIM_RELEASE_MINUTES`` from the claim first: a case claimed when it is already
    late would otherwise go back to the queue on the next tick, seconds after the
    claim. Rows locked by a clinician acting on them right now are skipped and picked
    up on the next run.
    """
    now = now or _now()
    window = settings.CLAIM_RELEASE_MINUTES
    overdue = (
        Case.objects.select_for_update(skip_locked=True)
        .filter(
            status=Case.Status.CLAIMED,
            due_at__lt=now,
            claimed_at__lte=now - dt.timedelta(minutes=window),
        )
        .filter(
            models.Q(last_contact_attempt_at__isnull=True)
            | models.Q(last_contact_attempt_at__lt=models.F("claimed_at"))
        )
        .order_by("due_at")
    )
    rows = list(overdue.values_list("pk", "reference", "claimed_by_id", "claimed_at")[:limit])
    if not rows:
        return []
    Case.objects.filter(pk__in=[row[0] for row in rows]).update(
        status=Case.Status.OPEN, claimed_by=None, claimed_at=None, flagged=True
    )
    summary = (
        "Released to the queue: past its target and no contact attempt "
        f"within {window} minutes of the claim"
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case_id=pk,
            kind=CaseEvent.Kind.FLAGGED,
            summary=summary,
            data={
                "claimed_by": claimed_by,
                "claimed_at": claimed_at.isoformat(),
                "window_minutes": window,
            },
        )
        for pk, _ref, claimed_by, claimed_at in rows
    )
    for pk, reference, claimed_by, _at in rows:
        record_access(
            action=AccessEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=str(pk),
            patient_ref=reference,
            details={
                "change": "overdue_release",
                "claimed_by": claimed_by,
                "window_minutes": window,
            },
        )
    return [row[0] for row in rows]


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
