"""Demo on-call set-up: the nurse on call, the supervisor as backup, the usual policy."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Team, User
from paging.models import (
    EscalationPolicy,
    EscalationStep,
    OnCallSchedule,
    RotationMember,
)


def seed_demo_paging(team: Team) -> list[str]:
    """Idempotent: a primary and a backup schedule and an escalation policy for ``team``."""
    people = {u.username: u for u in User.objects.filter(username__in=["nurse", "supervisor"])}
    if len(people) < 2:
        return []
    for layer, username in (
        (OnCallSchedule.Layer.PRIMARY, "nurse"),
        (OnCallSchedule.Layer.BACKUP, "supervisor"),
    ):
        schedule, created = OnCallSchedule.objects.get_or_create(
            team=team,
            layer=layer,
            is_active=True,
            defaults={
                "name": f"{team.name} {layer}",
                "rotation": OnCallSchedule.Rotation.WEEKLY,
                "time_zone": team.time_zone,
                "handoff_time": dt.time(8, 0),
                "starts_on": timezone.localdate() - dt.timedelta(days=7),
            },
        )
        if created:
            RotationMember.objects.create(schedule=schedule, user=people[username], position=0)
    policy, created = EscalationPolicy.objects.get_or_create(
        team=team, is_active=True, defaults={"name": "Crisis: nurse, backup, supervisors, team"}
    )
    if created:
        steps = [
            (0, EscalationStep.Target.PRIMARY),
            (5, EscalationStep.Target.BACKUP),
            (10, EscalationStep.Target.SUPERVISORS),
            (15, EscalationStep.Target.TEAM),
        ]
        for position, (minutes, target) in enumerate(steps):
            EscalationStep.objects.create(
                policy=policy, position=position, delay=dt.timedelta(minutes=minutes), target=target
            )
    return [
        f"On call for {team.name}: nurse (primary), supervisor (backup); "
        "escalation after 5, 10 and 15 minutes. /console/paging/"
    ]
