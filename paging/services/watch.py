"""Periodic work driven from the database: escalation, shift checks, gaps, watcher.

Each tick returns the ids of the notifications it made due; its task sends them.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.request
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Team
from paging.models import Notification, OnCallSchedule, Page, ShiftConfirmation
from paging.services import escalation, notify, oncall
from paging.services.fanout import notifications_fan_out
from paging.services.policy import Recipient, supervisors

logger = logging.getLogger(__name__)


def escalation_tick(*, now: dt.datetime | None = None, limit: int = 500) -> list[str]:
    """Advance every page whose next action is due: the new notifications and the stuck
    ones to send."""
    now = now or timezone.now()
    # A page never advanced yet has its delivery task on the way: give it a few seconds
    # before the tick steps in (and queues its sends behind everything else).
    fresh = now - dt.timedelta(seconds=settings.PAGING_REDISPATCH_AFTER_SECONDS)
    due = list(
        Page.objects.filter(
            status__in=[Page.Status.TRIGGERED, Page.Status.ACKNOWLEDGED], next_action_at__lte=now
        )
        .exclude(last_step_at__isnull=True, created_at__gt=fresh)
        .order_by("next_action_at")
        .values_list("pk", flat=True)[:limit]
    )
    to_send: list[str] = []
    for page_id in due:
        to_send += escalation.page_advance(page_id=page_id, now=now)
    return to_send + notify.notifications_redispatch()


# Messages to people about the rota: not an SMS (no page to open), every other channel.
PEOPLE_CHANNELS = [
    Notification.Channel.EMAIL,
    Notification.Channel.CONSOLE,
    Notification.Channel.WEBHOOK,
]


def _notify_people(
    *, kind: str, recipients, team, key_prefix: str, detail: dict, shift=None
) -> list[str]:
    return notifications_fan_out(
        kind=kind,
        team=team,
        recipients=recipients,
        channels=PEOPLE_CHANNELS,
        key_prefix=key_prefix,
        detail=detail,
        shift=shift,
    )


def _local(at: dt.datetime, tz) -> str:
    return date_format(at.astimezone(tz), "Y-m-d H:i T")


def shift_confirmation_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Send a test before each shift; warn supervisors about unconfirmed shifts."""
    now = now or timezone.now()
    to_send: list[str] = []
    lead = dt.timedelta(minutes=settings.PAGING_SHIFT_CONFIRM_LEAD_MINUTES)
    for schedule in OnCallSchedule.objects.filter(is_active=True).select_related("team"):
        for shift in oncall.shifts_for(schedule.team, schedule.layer, now, now + lead):
            if shift.user is None or shift.starts_at <= now:
                continue
            with transaction.atomic():
                confirmation, created = ShiftConfirmation.objects.get_or_create(
                    schedule=schedule,
                    user=shift.user,
                    shift_starts_at=shift.starts_at,
                    defaults={"shift_ends_at": shift.ends_at},
                )
                if created:
                    to_send += _notify_people(
                        kind=Notification.Kind.SHIFT_TEST,
                        recipients=[Recipient(shift.user, shift.user.email)],
                        team=schedule.team,
                        key_prefix=f"shift:{confirmation.pk}",
                        detail={"starts_at": _local(shift.starts_at, schedule.tz)},
                        shift=confirmation,
                    )
    warn_from = now + dt.timedelta(minutes=settings.PAGING_SHIFT_CONFIRM_WARN_MINUTES)
    unconfirmed = ShiftConfirmation.objects.filter(
        confirmed_at__isnull=True,
        supervisor_warned_at__isnull=True,
        shift_starts_at__lte=warn_from,
        shift_ends_at__gt=now,
    ).select_related("schedule__team", "user")
    for confirmation in unconfirmed:
        with transaction.atomic():
            taken = ShiftConfirmation.objects.filter(
                pk=confirmation.pk, supervisor_warned_at__isnull=True
            ).update(supervisor_warned_at=now)
            if not taken:
                continue
            team = confirmation.schedule.team
            to_send += _notify_people(
                kind=Notification.Kind.SHIFT_UNCONFIRMED,
                recipients=[Recipient(u, u.email) for u in supervisors(team)],
                team=team,
                key_prefix=f"unconfirmed:{confirmation.pk}",
                detail={
                    "who": str(confirmation.user),
                    "starts_at": _local(confirmation.shift_starts_at, confirmation.schedule.tz),
                },
            )
    return to_send


def coverage_gap_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Warn supervisors (once a day per team) of hours nobody covers in the next week."""
    now = now or timezone.now()
    to_send: list[str] = []
    for team in Team.objects.filter(is_active=True):
        gaps = oncall.coverage_gaps(team, now)
        if not gaps:
            continue
        hours = round(sum(g.hours for g in gaps), 1)
        with transaction.atomic():
            to_send += _notify_people(
                kind=Notification.Kind.COVERAGE_GAP,
                recipients=[Recipient(u, u.email) for u in supervisors(team)],
                team=team,
                key_prefix=f"gap:{team.pk}:{now.date().isoformat()}",
                detail={"hours": hours, "first": _local(gaps[0].starts_at, team_tz(team))},
            )
    return to_send


def team_tz(team: Team):
    try:
        return zoneinfo.ZoneInfo(team.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def paging_late(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What should have happened by now and has not (the watcher's question)."""
    now = now or timezone.now()
    late_before = now - dt.timedelta(seconds=settings.PAGING_WATCH_GRACE_SECONDS)
    return {
        "pages": Page.objects.filter(
            status__in=[Page.Status.TRIGGERED, Page.Status.ACKNOWLEDGED],
            next_action_at__lt=late_before,
        ).count(),
        # Never nobody: a page whose steps found no one to notify at all.
        "unreached": Page.objects.filter(
            status=Page.Status.TRIGGERED, created_at__lt=late_before, notifications__isnull=True
        ).count(),
        "notifications": Notification.objects.filter(
            Q(status=Notification.Status.PENDING, next_try_at__lt=late_before)
            | Q(status=Notification.Status.SENDING, lease_until__lt=late_before)
        ).count(),
    }


def watch_paging(*, now: dt.datetime | None = None) -> bool:
    """Ping the external heartbeat only when every open page's next step ran on time."""
    late = paging_late(now=now)
    if any(late.values()):
        logger.error("paging watcher: late %s; heartbeat withheld", late)
        return False
    url = settings.PAGING_HEARTBEAT_URL
    if url:
        if not url.startswith(("http://", "https://")):
            logger.error("paging watcher: PAGING_HEARTBEAT_URL is not http(s)")
            return False
        try:
            # Bandit B310: only http(s) URLs get here (checked just above).
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310  # nosec B310
                pass
        except OSError as exc:
            logger.warning("paging watcher: heartbeat ping failed: %s", type(exc).__name__)
            return False
    return True
