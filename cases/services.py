"""The one writer of a case's state: acuity (and its rank), status, claim, crisis flag.

Every function is ``case_<verb>(*, ...)`` under ``transaction.atomic`` and writes the
case's timeline event in the same transaction. Who may act (permissions, the claimer
or a supervisor) is checked by the callers (``cases.actions`` for the console);
these functions guard only the state itself, in SQL, so two writers at once never
both win. An acuity is written by two functions only: ``case_escalate`` (engine,
scans, patient requests: never lowers) and ``case_override_acuity`` (a clinician's
override: may lower, confirmed by a second clinician where needed).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessEvent
from audit.services import record_access
from cases.models import AcuityOverride, Case, CaseEvent
from cases.targets import due_at
from triage import engine
from triage.models import Acuity

OBJECT_TYPE = "cases.case"


def _now() -> dt.datetime:
    return timezone.now()


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else _("the system")


# ---- opening ------------------------------------------------------------------------------


@transaction.atomic
def case_open(*, intake, decision: engine.TriageDecision, summary: str) -> Case:
    """Open the case of ``intake`` at the engine's acuity; its target counts from now."""
    now = _now()
    case = Case.objects.create(
        intake=intake,
        reference=intake.reference,
        team=intake.team,
        acuity=decision.acuity,
        acuity_rank=Acuity.rank(decision.acuity),
        triage_acuity=decision.acuity,
        crisis=decision.crisis,
        opened_at=now,
        due_at=due_at(decision.acuity, now),
        needs_follow_up=bool(decision.advice_requests),
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.INTAKE_SUBMITTED, summary=summary)
    return case


@transaction.atomic
def case_add_submission(*, case: Case, decision: engine.TriageDecision, version: str) -> Case:
    """The intake of a case opened at a crisis during the intake was sent: the case
    takes the full triage (raised, never lowered) and any follow-up it asks for."""
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.INTAKE_SUBMITTED,
        summary="Intake submitted (its case was opened at a crisis during the intake)",
    )
    case_escalate(case=case, acuity=decision.acuity, crisis=decision.crisis, version=version)
    if decision.advice_requests:
        case_flag_follow_up(case=case)
    return case


@transaction.atomic
def case_flag_follow_up(*, case: Case) -> bool:
    """Mark the case as needing a person's follow-up; True when it was not marked yet.

    The caller writes the event that says why (a message, an intake answer)."""
    if case.needs_follow_up:
        return False
    case.needs_follow_up = True
    case.save(update_fields=["needs_follow_up"])
    return True


# ---- acuity and the crisis flag ---------------------------------------------------------------


def _set_acuity(case: Case, acuity: str, start: dt.datetime, *, keep_later: bool) -> list[str]:
    """Write acuity, its rank and target on the instance; returns the fields to save.

    ``keep_later``: a raise never moves a deadline still running later, and one already
    missed when the new clock starts is not the new acuity's deadline.
    """
    case.acuity, case.acuity_rank = acuity, Acuity.rank(acuity)
    target = due_at(acuity, start)
    if not (keep_later and start < case.due_at < target):
        case.due_at = target
    return ["acuity", "acuity_rank", "due_at"]


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    acuity: str,
    crisis: bool,
    version: str,
    since: dt.datetime | None = None,
    source: str = "scan",
) -> Case:
    """Raise a case's acuity or crisis flag from a later scan; never lower either.

    The raised acuity's target counts from ``since`` (a patient message's time: a
    crisis written days after the intake gets its own timer), else from the opening.
    ``source`` names what raised it on the timeline ("callback": a patient asked to
    talk to a person, and ``version`` then names the team's rule).
    """
    fields = []
    if crisis and not case.crisis:
        case.crisis = True
        fields.append("crisis")
    if Acuity.rank(acuity) < case.acuity_rank:
        fields += _set_acuity(case, acuity, since or case.opened_at, keep_later=True)
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.TRIAGED,
            summary=f"Acuity raised to {acuity} by {version}",
            data={"acuity": acuity, "script_version": version, "source": source},
        )
    if fields:
        case.save(update_fields=fields)
    return case


@transaction.atomic
def case_override_acuity(
    *, case: Case, override: AcuityOverride, user, summary: str, body: str = "", **data
) -> Case:
    """Apply a clinician's override (``override.to_acuity``, ``override.clear_crisis``).

    Raising brings the target closer at once; lowering moves it to the new acuity's
    target counted from when the case opened. The caller holds the case row lock and
    has checked who may override; ``summary``, ``body`` and ``data`` describe the
    override on the timeline.
    """
    fields = []
    if override.to_acuity != case.acuity:
        fields += _set_acuity(case, override.to_acuity, case.opened_at, keep_later=False)
    if override.clear_crisis and case.crisis:
        case.crisis = False
        fields.append("crisis")
    if fields:
        case.save(update_fields=fields)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.OVERRIDE,
        actor=user,
        summary=summary[:200],
        body=body,
        data={"override": str(override.pk), **data},
    )
    return case


# ---- claim, release, close ------------------------------------------------------------------


@transaction.atomic
def case_claim(*, case: Case, user) -> Case | None:
    """Claim an open case for ``user``. Race-safe: of two claims at once, one wins.

    Returns the claimed case, or None when it was not open (claimed or closed already).
    """
    won = Case.objects.filter(pk=case.pk, status=Case.Status.OPEN).update(
        status=Case.Status.CLAIMED, claimed_by=user, claimed_at=_now()
    )
    if not won:
        return None
    current = Case.objects.select_related("claimed_by").get(pk=case.pk)
    CaseEvent.objects.create(
        case=current, kind=CaseEvent.Kind.CLAIMED, actor=user, summary=f"Claimed by {_name(user)}"
    )
    return current


@transaction.atomic
def case_release(*, case: Case, user, claimer=None) -> Case | None:
    """Give a claimed case back to the queue. With ``claimer``, only if it is still
    claimed by them. Returns the released case, or None when nothing was released."""
    claims = Case.objects.filter(pk=case.pk, status=Case.Status.CLAIMED)
    if claimer is not None:
        claims = claims.filter(claimed_by=claimer)
    if not claims.update(status=Case.Status.OPEN, claimed_by=None, claimed_at=None):
        return None
    current = Case.objects.get(pk=case.pk)
    CaseEvent.objects.create(
        case=current,
        kind=CaseEvent.Kind.RELEASED,
        actor=user,
        summary=f"Released by {_name(user)}",
    )
    return current


@transaction.atomic
def case_close(*, case: Case, disposition: str, user=None, note: str = "") -> Case:
    """Close the case with its disposition; a case already closed stays as it is.

    ``user`` None: the patient withdrew consent (``Disposition.CONSENT_WITHDRAWN``).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.CLOSED:
        return case
    case.status = Case.Status.CLOSED
    case.disposition = disposition
    case.closed_at = _now()
    case.save(update_fields=["status", "disposition", "closed_at"])
    if disposition == Case.Disposition.CONSENT_WITHDRAWN:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.CONSENT_WITHDRAWN,
            summary="Patient withdrew consent; case closed",
            data={"by": "patient", "disposition": disposition},
        )
    else:
        label = Case.Disposition(disposition).label
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.DISPOSITION,
            actor=user,
            summary=f"Closed by {_name(user)}: {label}"[:200],
            body=(note or "").strip(),
            data={"disposition": disposition},
        )
    return case


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
