"""Factories for paging: schedules, policies, crisis cases with signals, endpoints."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Team
from accounts.roles import Role
from cases.models import CrisisSignal
from paging.models import (
    EscalationPolicy,
    EscalationStep,
    OnCallSchedule,
    PagingPhone,
    RotationMember,
    SmsAccount,
    WebhookEndpoint,
)
from tests.factories.accounts import make_staff
from tests.factories.cases import make_case, make_team
from triage.models import Acuity


def make_schedule(
    team: Team,
    users,
    layer: str = OnCallSchedule.Layer.PRIMARY,
    rotation: str = OnCallSchedule.Rotation.DAILY,
    starts_on: dt.date | None = None,
    **fields,
) -> OnCallSchedule:
    """An active rotation of ``users`` (in order) starting ``starts_on`` (default: 30 days ago)."""
    fields.setdefault("name", f"{team.name} {layer}")
    fields.setdefault("time_zone", "America/New_York")
    schedule = OnCallSchedule.objects.create(
        team=team,
        layer=layer,
        rotation=rotation,
        starts_on=starts_on or (timezone.localdate() - dt.timedelta(days=30)),
        **fields,
    )
    for position, user in enumerate(users):
        RotationMember.objects.create(schedule=schedule, user=user, position=position)
    return schedule


def make_policy(team: Team, steps, **fields) -> EscalationPolicy:
    """``steps``: [(delay seconds, target, user or None), ...] in order."""
    fields.setdefault("name", f"{team.name} policy")
    policy = EscalationPolicy.objects.create(team=team, **fields)
    for position, (delay, target, user) in enumerate(steps):
        EscalationStep.objects.create(
            policy=policy,
            position=position,
            delay=dt.timedelta(seconds=delay),
            target=target,
            user=user,
        )
    return policy


def make_crisis_case(team: Team | None = None, n_signals: int = 1):
    """A crisis case with ``n_signals`` signals, as the intake flow would create it."""
    case = make_case(team=team or make_team(), acuity=Acuity.EMERGENT, crisis=True)
    signals = [
        CrisisSignal.objects.create(
            case=case,
            source=CrisisSignal.Source.INTAKE_TEXT,
            source_id=str(i),
            category="suicidal_ideation",
            severity="high",
            rule_id=f"test.rule.{i}",
        )
        for i in range(n_signals)
    ]
    return case, signals


def make_signal(case, i: int = 99) -> CrisisSignal:
    return CrisisSignal.objects.create(
        case=case,
        source=CrisisSignal.Source.MESSAGE,
        source_id=str(i),
        category="suicidal_ideation",
        severity="high",
        rule_id=f"test.rule.{i}",
    )


def make_oncall_team(slug: str = "north"):
    """A team with a nurse on call (primary), a backup nurse and a supervisor."""
    team = make_team(slug)
    nurse = make_staff(Role.NURSE, team=team, username=f"{slug}-nurse")
    backup = make_staff(Role.NURSE, team=team, username=f"{slug}-backup")
    supervisor = make_staff(Role.SUPERVISOR, team=team, username=f"{slug}-supervisor")
    make_schedule(team, [nurse])
    make_schedule(team, [backup], layer=OnCallSchedule.Layer.BACKUP)
    return team, nurse, backup, supervisor


def make_webhook(url: str, team: Team | None = None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="gateway", url=url, team=team)


TEST_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TEST_AUTH_TOKEN = "f3c1d2e4a5b6978812345678abcdef90"  # the stand-in's only


def make_sms_account(team: Team, from_number: str = "+15550100000", **fields) -> SmsAccount:
    fields.setdefault("account_sid", TEST_ACCOUNT_SID)
    fields.setdefault("auth_token", TEST_AUTH_TOKEN)
    return SmsAccount.objects.create(team=team, from_number=from_number, **fields)


def make_paging_phone(user, number: str = "+15550102030", **fields) -> PagingPhone:
    phone = PagingPhone(user=user, **fields)
    phone.set_phone(number)
    phone.save()
    return phone
