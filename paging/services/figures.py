"""Paging figures for supervisors: time to first notification and to acknowledgement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from paging.models import Page


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class TeamFigures:
    team_id: int
    team_name: str
    pages: int
    notified: int
    acknowledged: int
    notify_p50: float | None
    notify_p95: float | None
    ack_p50: float | None
    ack_p95: float | None
    fallback: int


def team_figures(team_ids, days: int = 30, now: dt.datetime | None = None) -> list[TeamFigures]:
    """p50/p95 in seconds per team over the last ``days`` days."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    rows = (
        Page.objects.filter(team_id__in=team_ids, created_at__gte=since)
        .values_list(
            "team_id", "team__name", "created_at", "first_notified_at",
            "first_acknowledged_at", "fallback_used",
        )
        .order_by("team__name")
    )  # fmt: skip
    by_team: dict[int, dict] = {}
    for team_id, name, created, notified, acked, fallback in rows:
        entry = by_team.setdefault(
            team_id, {"name": name, "n": 0, "notify": [], "ack": [], "fb": 0}
        )
        entry["n"] += 1
        entry["fb"] += int(fallback)
        if notified:
            entry["notify"].append((notified - created).total_seconds())
        if acked:
            entry["ack"].append((acked - created).total_seconds())
    return [
        TeamFigures(
            team_id,
            e["name"],
            e["n"],
            len(e["notify"]),
            len(e["ack"]),
            percentile(e["notify"], 50),
            percentile(e["notify"], 95),
            percentile(e["ack"], 50),
            percentile(e["ack"], 95),
            e["fb"],
        )
        for team_id, e in by_team.items()
    ]
