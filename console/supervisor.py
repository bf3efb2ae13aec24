"""The supervisor view: queue health, paging, on call, rates and fairness (no PHI)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.approvals import decidable_requests, recent_decisions
from accounts.decorators import role_required
from accounts.models import Team
from accounts.roles import visible_team_ids
from audit.decorators import no_phi
from console import reports
from console.timers import duration
from paging.models import OnCallSchedule
from paging.services.figures import team_figures
from paging.services.grouping import flood_alerts
from paging.services.oncall import oncall_at
from triage.crisis_models.active import active_model
from triage.crisis_models.active import health as crisis_model_health

REPORT_DAYS = 90


def _paging(teams) -> dict:
    return {
        # Pages grouping many crisis cases from one source: "possible flooding".
        "flood_alerts": flood_alerts([t.pk for t in teams]),
        "paging_figures": team_figures([t.pk for t in teams]),
        "on_call": [
            (
                team,
                oncall_at(team, OnCallSchedule.Layer.PRIMARY),
            )
            for team in teams
        ],
    }


@require_GET
@role_required("supervisor")
@no_phi
def supervisor_home(request: HttpRequest) -> HttpResponse:
    """Aggregates over the supervisor's teams; demographic groups under 10 are suppressed."""
    now = timezone.now()
    since = now - dt.timedelta(days=REPORT_DAYS)
    team_ids = visible_team_ids(request.user)
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name"))
    health = reports.queue_health(team_ids, now)
    counts = reports.outcome_counts(team_ids, since)
    record, model = active_model()
    context = {
        "crisis_model": crisis_model_health(),
        "crisis_model_version": record.label if record else (model.version if model else ""),
        "teams": teams,
        "health": health,
        "oldest_wait": duration(now - health.oldest_opened_at) if health.oldest_opened_at else "",
        "rates": reports.rates_by_script_version(team_ids, since),
        "age_groups": reports.outcomes_by_group(counts, "age_band"),
        "gender_groups": reports.outcomes_by_group(counts, "gender"),
        "report_days": REPORT_DAYS,
        "min_group": reports.MIN_GROUP,
        "is_supervisor": True,
        # Admin changes that could open PHI, waiting for a supervisor (accounts.approvals).
        "access_requests": list(decidable_requests(request.user).order_by("requested_at")[:100]),
        "access_decisions": list(recent_decisions(request.user).order_by("-decided_at")[:20]),
        **_paging(teams),
    }
    return render(request, "console/supervisor.html", context)
