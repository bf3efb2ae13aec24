"""Freezing an escalation policy into a page, and finding who a step notifies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role
from paging.models import EscalationPolicy, EscalationStep, OnCallSchedule
from paging.services import oncall

ALL_CHANNELS = ["email", "webhook", "console", "sms"]

# Used when a team has no active policy: a page must never go nowhere.
DEFAULT_STEPS = [
    {"delay": 0, "target": EscalationStep.Target.PRIMARY},
    {"delay": 5 * 60, "target": EscalationStep.Target.BACKUP},
    {"delay": 10 * 60, "target": EscalationStep.Target.SUPERVISORS},
    {"delay": 15 * 60, "target": EscalationStep.Target.TEAM},
]


def policy_snapshot(team: Team) -> tuple[EscalationPolicy | None, dict]:
    """The team's active policy and a JSON copy of it (the default when it has none)."""
    policy = (
        EscalationPolicy.objects.filter(team=team, is_active=True).prefetch_related("steps").first()
    )
    if policy is None or not policy.steps.all():
        return policy, {
            "policy_id": None,
            "name": "default",
            "ack_timeout": 15 * 60,
            "repeat_after": 5 * 60,
            "steps": [
                {"delay": s["delay"], "target": str(s["target"]), "user_id": None,
                 "channels": ALL_CHANNELS}
                for s in DEFAULT_STEPS
            ],
        }  # fmt: skip
    return policy, {
        "policy_id": policy.id,
        "name": policy.name,
        "ack_timeout": int(policy.ack_timeout.total_seconds()),
        "repeat_after": int(policy.repeat_after.total_seconds()),
        "steps": [
            {
                "delay": int(step.delay.total_seconds()),
                "target": step.target,
                "user_id": step.user_id,
                "channels": step.channels,
            }
            for step in sorted(policy.steps.all(), key=lambda s: s.position)
        ],
    }


@dataclass(frozen=True)
class Recipient:
    user: User | None
    email: str
    fallback: bool = False

    @property
    def key(self) -> str:
        return f"u{self.user.pk}" if self.user is not None else f"a:{self.email.lower()}"


def _users(qs) -> list[User]:
    return list(qs.filter(is_active=True).order_by("id"))


def supervisors(team: Team) -> list[User]:
    ids = TeamMembership.objects.filter(team=team, is_supervisor=True).values("user_id")
    return _users(User.objects.filter(id__in=ids))


def fallback_recipients(team: Team) -> list[Recipient]:
    """Never nobody: the team's supervisors, else the configured addresses and admins."""
    people = supervisors(team)
    if people:
        return [Recipient(u, u.email, fallback=True) for u in people]
    found = [Recipient(None, a, fallback=True) for a in settings.PAGING_FALLBACK_EMAILS]
    admins = Group.objects.filter(name=str(Role.ADMINISTRATOR)).first()
    admin_users = _users(admins.user_set.all()) if admins else []
    if not admin_users and not found:
        admin_users = _users(User.objects.filter(is_superuser=True))
    found.extend(Recipient(u, u.email, fallback=True) for u in admin_users)
    return found


def step_recipients(team: Team, step: dict, at: dt.datetime) -> list[Recipient]:
    """Who a frozen policy step notifies now; the fallback when that is nobody."""
    target = step["target"]
    people: list[User] = []
    if target == EscalationStep.Target.PRIMARY:
        user = oncall.oncall_at(team, OnCallSchedule.Layer.PRIMARY, at)
        people = [user] if user else []
    elif target == EscalationStep.Target.BACKUP:
        user = oncall.oncall_at(team, OnCallSchedule.Layer.BACKUP, at)
        people = [user] if user else []
    elif target == EscalationStep.Target.SUPERVISORS:
        people = supervisors(team)
    elif target == EscalationStep.Target.TEAM:
        ids = TeamMembership.objects.filter(team=team).values("user_id")
        people = _users(User.objects.filter(id__in=ids))
    elif target == EscalationStep.Target.USER and step.get("user_id"):
        people = _users(User.objects.filter(id=step["user_id"]))
    if people:
        return [Recipient(u, u.email) for u in people]
    return fallback_recipients(team)
