"""Reads for the console's alert panel: open crisis pages, most urgent first.

No PHI: case references, acuity, staff names, channels and times. The panel runs a
fixed number of queries whatever the number of pages (one for the pages, one each for
their notifications and grouped cases, and the on-call lookups per team with a page),
and ``panel_version`` answers "anything new?" in one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone

from accounts.models import Team, TeamMembership
from accounts.roles import CLINICAL_ROLES, user_roles, visible_team_ids
from paging.models import EscalationStep, Notification, Page, PageCase
from paging.services import actions, escalation

NOTIFIED_LINES = 8  # the latest recipients shown per page
# A new crisis page reaches an open console within this (issue 17: p95 under 1 s). The
# "anything new?" answer is a 204 from one small query, so twice a second costs little.
POLL_SECONDS = 0.5


@dataclass
class Notified:
    """One recipient of one step, with each channel's outcome."""

    who: str
    step: int
    cycle: int
    channels: list[dict] = field(default_factory=list)  # {"label", "status", "at"}


@dataclass
class PanelItem:
    page: Page
    acuity: str
    acuity_label: str
    acuity_rank: int
    open_seconds: int
    step_no: int  # the last step run, 1-based; 0 before the first
    steps_total: int
    step_label: str
    next_label: str
    next_at: dt.datetime | None
    snoozed: bool
    grouped: list[str]
    notified: list[Notified]
    can_act: bool
    colleagues: list = field(default_factory=list)
    snooze_choices: list[int] = field(default_factory=list)
    last_step_at: dt.datetime | None = None

    @property
    def ringing(self) -> bool:
        return self.page.status == Page.Status.TRIGGERED

    @property
    def open_minutes(self) -> int:
        return self.open_seconds // 60


def _target_label(step: dict) -> str:
    try:
        return str(EscalationStep.Target(step["target"]).label)
    except ValueError:
        return str(step["target"])


def _notified(page: Page) -> list[Notified]:
    lines: dict[tuple, Notified] = {}
    for n in page.notifications.all():  # prefetched, oldest first
        who = str(n.recipient) if n.recipient else n.address
        key = (n.cycle, n.step, n.recipient_id or n.address)
        line = lines.setdefault(key, Notified(who=who, step=n.step + 1, cycle=n.cycle + 1))
        line.channels.append(
            {
                "label": n.get_channel_display(),
                "status": n.status,
                "status_label": n.get_status_display(),
                "at": n.sent_at,
            }
        )
    return list(lines.values())[-NOTIFIED_LINES:]


def _item(page: Page, user, now: dt.datetime, colleagues: dict, team_ids: set) -> PanelItem:
    steps = escalation.steps_of(page)
    if page.last_step_at is None:
        step_no = 0
    else:
        step_no = page.step_index if page.step_index > 0 else len(steps)
    current = steps[step_no - 1] if step_no else None
    upcoming = steps[page.step_index]
    can_act = actions.may_act(user, page, team_ids)
    case = page.case
    return PanelItem(
        page=page,
        acuity=case.acuity,
        acuity_label=case.get_acuity_display(),
        acuity_rank=case.acuity_rank,
        open_seconds=max(0, int((now - page.created_at).total_seconds())),
        step_no=step_no,
        steps_total=len(steps),
        step_label=_target_label(current) if current else "",
        next_label=_target_label(upcoming),
        next_at=page.next_action_at if page.status == Page.Status.TRIGGERED else None,
        snoozed=bool(page.snoozed_until and page.snoozed_until > now),
        grouped=[g.case.reference for g in page.grouped_cases.all()],
        notified=_notified(page),
        can_act=can_act,
        colleagues=colleagues.get(page.team_id, []) if can_act else [],
        snooze_choices=actions.snooze_choices(page, now) if can_act else [],
        last_step_at=actions.last_step_due(page),
    )


def _open_pages(team_ids) -> list[Page]:
    notifications = Notification.objects.select_related("recipient").order_by("created_at", "pk")
    grouped = PageCase.objects.select_related("case").only("page_id", "case__reference")
    return list(
        Page.objects.filter(team_id__in=team_ids)
        .exclude(status=Page.Status.RESOLVED)
        .select_related("team", "case", "acknowledged_by", "assigned_to", "snoozed_by")
        .prefetch_related(
            Prefetch("notifications", queryset=notifications),
            Prefetch("grouped_cases", queryset=grouped.order_by("added_at")),
        )
    )


def _sort_key(item: PanelItem) -> tuple:
    # Ringing before acknowledged, then acuity, then the longest open.
    return (not item.ringing, item.acuity_rank, -item.open_seconds)


def panel_items(user, now: dt.datetime | None = None, pages: list[Page] | None = None):
    """The user's teams' open pages as panel items, most urgent first."""
    now = now or timezone.now()
    team_ids = visible_team_ids(user)
    if pages is None:
        pages = _open_pages(team_ids) if team_ids else []
    # On call now, for the reassign buttons: every team of the user's as soon as one
    # page is open, so the queries do not depend on how the pages fall across teams.
    teams = Team.objects.filter(pk__in=team_ids).order_by("pk") if pages else []
    colleagues = {team.pk: actions.oncall_colleagues(team, user, now) for team in teams}
    items = (_item(p, user, now, colleagues, team_ids) for p in pages)
    return sorted(items, key=_sort_key)


def case_items(user, case, now: dt.datetime | None = None) -> list[PanelItem]:
    """Open pages of ``case``: its own, and one it was grouped onto."""
    team_ids = visible_team_ids(user)
    if case.team_id not in team_ids:
        return []
    notifications = Notification.objects.select_related("recipient").order_by("created_at", "pk")
    grouped = PageCase.objects.select_related("case").only("page_id", "case__reference")
    pages = list(
        Page.objects.filter(Q(case=case) | Q(grouped_cases__case=case))
        .exclude(status=Page.Status.RESOLVED)
        .distinct()
        .select_related("team", "case", "acknowledged_by", "assigned_to", "snoozed_by")
        .prefetch_related(
            Prefetch("notifications", queryset=notifications),
            Prefetch("grouped_cases", queryset=grouped.order_by("added_at")),
        )
    )
    return panel_items(user, now, pages=pages)


def panel_version(user, now: dt.datetime | None = None) -> str:
    """A short string that changes whenever what the panel shows changes.

    One query over the open pages of the user's teams joined to their notifications.
    Fences only grow and every change of a page bumps its own, so their sum over the
    joined rows moves with any change; a notification sent, failed or retried moves
    the counts. The minute is part of it so the "open for" times stay current.
    """
    now = now or timezone.now()
    minute = int(now.timestamp() // 60)
    if not user_roles(user) & CLINICAL_ROLES:
        return f"none.{minute}"
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    figures = (
        Page.objects.filter(team_id__in=teams)
        .exclude(status=Page.Status.RESOLVED)
        .aggregate(
            pages=Count("pk", distinct=True),
            fences=Sum("fence"),
            cases=Sum("case_count"),
            newest=Max("created_at"),
            done=Count("notifications", filter=~Q(notifications__status="pending")),
            attempts=Sum("notifications__attempt"),
        )
    )
    newest = figures["newest"]
    stamp = int(newest.timestamp() * 1000) if newest else 0
    parts = [figures[k] or 0 for k in ("pages", "fences", "cases", "done", "attempts")]
    return ".".join(str(p) for p in [*parts, stamp, minute])
