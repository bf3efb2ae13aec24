"""Supervisor figures: queue health, override and false-positive rates, fairness.

Aggregates only, computed in SQL. Demographic groups smaller than ``MIN_GROUP`` are
suppressed (shown as "fewer than 10"), so no figure points at a few patients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from cases.models import AcuityOverride, Case, CrisisSignal, TriageResult
from triage.models import Acuity

MIN_GROUP = 10
ACTIVE = [Case.Status.OPEN, Case.Status.CLAIMED]


@dataclass
class QueueHealth:
    open_by_acuity: list[tuple[str, int]]
    total: int
    oldest_opened_at: dt.datetime | None
    breached: int
    flagged: int


def queue_health(team_ids, now: dt.datetime) -> QueueHealth:
    active = Case.objects.filter(team_id__in=team_ids, status__in=ACTIVE)
    counts = dict(active.values_list("acuity").annotate(n=Count("id")).order_by())
    figures = active.aggregate(
        oldest=Min("opened_at"),
        breached=Count("id", filter=Q(due_at__lte=now)),
        flagged=Count("id", filter=Q(flagged=True)),
    )
    return QueueHealth(
        open_by_acuity=[(label, counts.get(value, 0)) for value, label in Acuity.choices],
        total=sum(counts.values()),
        oldest_opened_at=figures["oldest"],
        breached=figures["breached"],
        flagged=figures["flagged"],
    )


@dataclass
class VersionRates:
    version: str
    cases: int
    overridden: int
    signals: int
    reviewed: int
    false_positives: int

    @property
    def override_rate(self) -> float | None:
        return self.overridden / self.cases if self.cases else None

    @property
    def false_positive_rate(self) -> float | None:
        return self.false_positives / self.reviewed if self.reviewed else None


def rates_by_script_version(team_ids, since: dt.datetime) -> list[VersionRates]:
    """Per script version: cases overridden (applied), and reviewed signals found false."""
    triaged = TriageResult.objects.filter(
        source=TriageResult.Source.INTAKE,
        case__team_id__in=team_ids,
        case__opened_at__gte=since,
    )
    # One intake result per case, so counting results counts cases (no DISTINCT over
    # the whole period); only the few overridden cases go through the override join.
    cases = dict(triaged.values_list("script_version").annotate(n=Count("id")).order_by())
    overridden = dict(
        triaged.filter(case__overrides__status=AcuityOverride.Status.APPLIED)
        .values_list("script_version")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    signals = (
        CrisisSignal.objects.filter(case__team_id__in=team_ids, created_at__gte=since)
        .exclude(source=CrisisSignal.Source.STAFF)
        .values("script_version")
        .annotate(
            total=Count("id"),
            reviewed=Count("id", filter=~Q(review=CrisisSignal.Review.UNREVIEWED)),
            false_positives=Count("id", filter=Q(review=CrisisSignal.Review.FALSE_POSITIVE)),
        )
        .order_by()
    )
    rows = {
        version: VersionRates(version, n, overridden.get(version, 0), 0, 0, 0)
        for version, n in cases.items()
    }
    for row in signals:
        entry = rows.setdefault(
            row["script_version"], VersionRates(row["script_version"], 0, 0, 0, 0, 0)
        )
        entry.signals, entry.reviewed = row["total"], row["reviewed"]
        entry.false_positives = row["false_positives"]
    return sorted(rows.values(), key=lambda r: r.version)


@dataclass
class Group:
    label: str
    total: int
    suppressed: bool
    by_acuity: list[tuple[str, int]] = field(default_factory=list)
    crisis: int = 0


def outcome_counts(team_ids, since: dt.datetime) -> list[dict]:
    """Cases per (age band, gender, engine acuity) with crisis counts: one query."""
    return list(
        Case.objects.filter(team_id__in=team_ids, opened_at__gte=since)
        .values("intake__age_band", "intake__gender", "triage_acuity")
        .annotate(n=Count("id"), crisis=Count("id", filter=Q(crisis=True)))
        .order_by()
    )


def outcomes_by_group(counts: list[dict], attribute: str) -> list[Group]:
    """Triage outcomes per value of ``intake.<attribute>`` (``age_band`` or ``gender``)."""
    column = f"intake__{attribute}"
    groups: dict[str, dict] = {}
    for row in counts:
        entry = groups.setdefault(row[column] or "", {"acuity": {}, "crisis": 0})
        acuity = row["triage_acuity"]
        entry["acuity"][acuity] = entry["acuity"].get(acuity, 0) + row["n"]
        entry["crisis"] += row["crisis"]
    result = []
    for value in sorted(groups, key=lambda v: (v == "", v)):
        entry = groups[value]
        total = sum(entry["acuity"].values())
        label = value or _("Not answered")
        if total < MIN_GROUP:
            result.append(Group(label, total, suppressed=True))
            continue
        by_acuity = [(lbl, entry["acuity"].get(val, 0)) for val, lbl in Acuity.choices]
        result.append(Group(label, total, False, by_acuity, entry["crisis"]))
    return result
