"""Who may open which case. Every refusal is itself an audit event."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.roles import can_read_phi, has_role, visible_team_ids
from audit.models import AccessEvent
from audit.services import record_access
from cases.models import BreakGlassAccess, Case
from lib import phi

# Blind-index kind of the break-glass reason digest kept in the audit event.
REASON_DIGEST_KIND = "break_glass_reason"


class BreakGlassRequired(Exception):
    """The case exists outside the user's teams; a clinician may break the glass."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


def visible_cases(user):
    """The cases of the teams the user may see (none without a PHI-reading role)."""
    if not can_read_phi(user):
        return Case.objects.none()
    return Case.objects.filter(team_id__in=visible_team_ids(user))


def has_break_glass(user, case: Case) -> bool:
    return BreakGlassAccess.objects.filter(
        case=case, user=user, expires_at__gt=timezone.now()
    ).exists()


def get_case_for_user(request: HttpRequest, case_id, *, queryset=None) -> Case:
    """The case, if the user may see it; otherwise 404, with a denied event on record.

    A clinician with the break-glass permission gets BreakGlassRequired instead of a
    404 for a case outside their teams, so the view can offer to break the glass.
    The caller records the allowed access (the view knows what it shows).
    """
    user = request.user
    base = queryset if queryset is not None else Case.objects.all()
    case = base.filter(pk=case_id).first() if _is_uuid(case_id) else None
    if (
        case is not None
        and can_read_phi(user)
        and (case.team_id in visible_team_ids(user) or has_break_glass(user, case))
    ):
        return case
    # Refusals are recorded in a transaction of their own: the 404 must not roll back
    # the evidence that someone asked.
    with transaction.atomic():
        record_access(
            request=request,
            action=AccessEvent.Action.DENIED,
            outcome=AccessEvent.Outcome.DENIED,
            object_type="cases.case",
            object_id=str(case_id)[:64],
            patient_ref=case.reference if case is not None else "",
        )
    if case is not None and user.has_perm("accounts.break_glass"):
        raise BreakGlassRequired(case)
    raise Http404


@transaction.atomic
def break_glass_open(*, request: HttpRequest, case: Case, reason: str) -> BreakGlassAccess:
    """Grant a clinician time-limited access to a case outside their teams."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required to break the glass.")
    if not request.user.has_perm("accounts.break_glass"):
        raise PermissionError("Only clinicians may break the glass.")
    grant = BreakGlassAccess.objects.create(
        case=case,
        user=request.user,
        reason=reason,
        expires_at=timezone.now() + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    # The reason may name the patient, so its only copy is the sealed one on the grant
    # (encrypted like any PHI, re-sealed by rotate_phi_keys). The audit event, which is
    # plain text and can never be changed, carries the grant id and a keyed digest of the
    # reason instead: tamper evidence for the justification without the words.
    record_access(
        request=request,
        action=AccessEvent.Action.BREAK_GLASS,
        object_type="cases.case",
        object_id=str(case.pk),
        patient_ref=case.reference,
        details={
            "team_id": case.team_id,
            "expires_at": grant.expires_at.isoformat(),
            "break_glass_id": str(grant.pk),
            "reason_digest": phi.blind_index(reason, REASON_DIGEST_KIND),
        },
    )
    return grant


def break_glass_for_review(user):
    """Break-glass accesses to cases of the teams this supervisor oversees."""
    if not has_role(user, "supervisor"):
        return BreakGlassAccess.objects.none()
    return (
        BreakGlassAccess.objects.filter(case__team_id__in=visible_team_ids(user))
        .select_related("case", "user", "reviewed_by")
        .order_by("reviewed_at", "-granted_at")
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
