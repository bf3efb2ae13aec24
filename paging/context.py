"""What the console banner needs: teams with nobody on call, pages on the fallback."""

from __future__ import annotations

from accounts.models import Team
from accounts.roles import visible_team_ids
from paging.models import OnCallSchedule, Page
from paging.services.oncall import oncall_at


def banner_context(user) -> dict:
    """``{"uncovered_teams": [...], "fallback_pages": [...]}`` for the user's teams.

    Shown as a red banner on every console page: a crisis page sent to the fallback
    (nobody was on call) or a team with nobody on call right now.
    """
    if user is None or not user.is_authenticated:
        return {"uncovered_teams": [], "fallback_pages": []}
    team_ids = visible_team_ids(user)
    if not team_ids:
        return {"uncovered_teams": [], "fallback_pages": []}
    teams = list(Team.objects.filter(pk__in=team_ids, is_active=True).order_by("name"))
    uncovered = [t for t in teams if oncall_at(t, OnCallSchedule.Layer.PRIMARY) is None]
    fallback_pages = list(
        Page.objects.filter(team_id__in=team_ids, fallback_used=True)
        .exclude(status=Page.Status.RESOLVED)
        .select_related("team")
        .order_by("-created_at")[:10]
    )
    return {"uncovered_teams": uncovered, "fallback_pages": fallback_pages}
