"""Two-person approval of admin changes that could open PHI (issue 16, finding 3).

An administrator could otherwise make a nurse account, reset its password and MFA,
sign in as it and read cases. So, when a person makes one of these changes in the
admin, it is not applied: it becomes an ``AccessChangeRequest`` that a supervisor
approves or rejects on the supervisor view, and only ``access_change_approve``
applies it:

* adding a user to a role (group) whose permissions include ``accounts.read_phi`` or
  ``accounts.break_glass``;
* adding a user to a team;
* resetting another user's MFA (deleting their OTP devices);
* setting another user's password.

Who decides: for a team membership, a supervisor of that team; for the others, any
supervisor. Never the requester (also a database constraint) and never the user the
change is for. Every request, approval, rejection and refused decision is an audit
event (``object_type="accounts.accesschangerequest"``, ``details["security_event"]``).

Bootstrapping (``createsuperuser``, the demo seed, data migrations, test factories)
writes the ORM directly and never comes here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AccessChangeRequest, TeamMembership
from accounts.roles import Role, has_role
from accounts.services import mfa_reset
from audit.models import AccessEvent
from audit.services import record_access

OBJECT_TYPE = "accounts.accesschangerequest"
# Holding either permission opens patient records (break_glass: any team's case).
PHI_PERMISSIONS = ("read_phi", "break_glass")
RECENT_DAYS = 30

Kind = AccessChangeRequest.Kind
Status = AccessChangeRequest.Status


class AccessChangeError(Exception):
    """The decision is not allowed (wrong person, already decided); the message says why."""


def _now():
    return timezone.now()


def group_grants_phi(group: Group) -> bool:
    """True when membership of ``group`` would let its members read patient records."""
    return group.permissions.filter(
        content_type__app_label="accounts", codename__in=PHI_PERMISSIONS
    ).exists()


def _audit(change: AccessChangeRequest, step: str, *, actor, action: str, **extra) -> None:
    record_access(
        actor=actor,
        action=action,
        outcome=AccessEvent.Outcome.DENIED if step == "refused" else AccessEvent.Outcome.ALLOWED,
        object_type=OBJECT_TYPE,
        object_id=str(change.pk),
        reason=f"access change {step}",
        details={
            "security_event": f"access_change_{step}",
            "kind": change.kind,
            "user": change.user.get_username(),
            "user_id": change.user_id,
            "role": change.group.name if change.group_id else "",
            "team": change.team.slug if change.team_id else "",
            "is_supervisor": change.is_supervisor,
            "requested_by": change.requested_by.get_username() if change.requested_by else "",
            **extra,
        },
    )


@transaction.atomic
def access_change_request(
    *, kind: str, user, requested_by, group=None, team=None, is_supervisor: bool = False,
    password_hash: str = "",
) -> AccessChangeRequest:  # fmt: skip
    """Record a change for a supervisor to decide (nothing is applied); audited.

    The same change already pending is returned as it is (a new password is always a
    new request: its hash differs).
    """
    if kind != Kind.PASSWORD_SET:
        existing = AccessChangeRequest.objects.filter(
            kind=kind,
            user=user,
            group=group,
            team=team,
            is_supervisor=is_supervisor,
            status=Status.PENDING,
        ).first()
        if existing is not None:
            return existing
    change = AccessChangeRequest.objects.create(
        kind=kind,
        user=user,
        group=group,
        team=team,
        is_supervisor=is_supervisor,
        password_hash=password_hash,
        requested_by=requested_by,
    )
    _audit(change, "requested", actor=requested_by, action=AccessEvent.Action.CREATE)
    return change


def decidable_requests(user) -> QuerySet[AccessChangeRequest]:
    """Pending requests ``user`` may approve or reject (none unless a supervisor)."""
    return _in_scope(user).filter(status=Status.PENDING).exclude(requested_by=user)


def recent_decisions(user, days: int = RECENT_DAYS) -> QuerySet[AccessChangeRequest]:
    """Requests decided in the last ``days`` days, in the supervisor's scope."""
    since = _now() - dt.timedelta(days=days)
    return _in_scope(user).exclude(status=Status.PENDING).filter(decided_at__gte=since)


def _in_scope(user) -> QuerySet[AccessChangeRequest]:
    if not has_role(user, Role.SUPERVISOR):
        return AccessChangeRequest.objects.none()
    supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    return (
        AccessChangeRequest.objects.filter(
            models.Q(team__isnull=True) | models.Q(team_id__in=supervised)
        )
        .exclude(user=user)
        .select_related("user", "group", "team", "requested_by", "decided_by")
    )


def access_change_refused(*, change: AccessChangeRequest, user) -> None:
    """Audit a decision someone tried to make but may not (the view answers 404)."""
    _audit(change, "refused", actor=user, action=AccessEvent.Action.DENIED)


@transaction.atomic
def access_change_approve(*, change: AccessChangeRequest, decided_by) -> AccessChangeRequest:
    """Approve and apply the change; audited. Raises AccessChangeError if not allowed."""
    change = _lock_for_decision(change, decided_by)
    _apply(change)
    return _decide(change, decided_by, Status.APPROVED)


@transaction.atomic
def access_change_reject(*, change: AccessChangeRequest, decided_by) -> AccessChangeRequest:
    """Reject the change (nothing is applied); audited."""
    change = _lock_for_decision(change, decided_by)
    return _decide(change, decided_by, Status.REJECTED)


def _lock_for_decision(change: AccessChangeRequest, decided_by) -> AccessChangeRequest:
    locked = (
        decidable_requests(decided_by).select_for_update(of=("self",)).filter(pk=change.pk).first()
    )
    if locked is None:
        # Already decided, out of scope, or the decider's own request or account.
        raise AccessChangeError("You cannot decide this request.")
    return locked


def _decide(change: AccessChangeRequest, decided_by, status: str) -> AccessChangeRequest:
    change.status = status
    change.decided_by = decided_by
    change.decided_at = _now()
    change.password_hash = ""
    change.save(update_fields=["status", "decided_by", "decided_at", "password_hash"])
    _audit(change, str(status), actor=decided_by, action=AccessEvent.Action.UPDATE)
    return change


def _apply(change: AccessChangeRequest) -> None:
    """The one place an approved change takes effect."""
    user = change.user
    if change.kind == Kind.ROLE_GRANT:
        user.groups.add(change.group)
    elif change.kind == Kind.TEAM_MEMBERSHIP:
        membership, created = TeamMembership.objects.get_or_create(
            user=user, team=change.team, defaults={"is_supervisor": change.is_supervisor}
        )
        if not created and change.is_supervisor and not membership.is_supervisor:
            membership.is_supervisor = True
            membership.save(update_fields=["is_supervisor"])
    elif change.kind == Kind.MFA_RESET:
        mfa_reset(user=user)
    elif change.kind == Kind.PASSWORD_SET:
        # Sessions signed in with the old password stop working (session auth hash).
        user.password = change.password_hash
        user.save(update_fields=["password"])
    else:  # pragma: no cover - a new Kind without a way to apply it
        raise AccessChangeError(f"unknown change {change.kind!r}")
