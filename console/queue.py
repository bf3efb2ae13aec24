"""The live queue: open and claimed cases of the user's teams, most pressing first.

The queue shows no PHI (reference code, acuity, waiting time, status, claimer, crisis
flag), so it is ``@no_phi``. Listing cases is still an access to patient records, so
each full page load records one LIST audit event naming the references shown (codes,
not PHI) and the filters used; a search by reference records SEARCH instead. The
background poll that refreshes the rows every few seconds records nothing: it is the
same listing, kept current, and a poll every 5 s would bury the trail in noise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import mfa_required
from accounts.models import Team
from accounts.roles import has_role, visible_team_ids
from audit.decorators import no_phi
from audit.models import AccessEvent
from audit.services import record_access
from cases.selectors import cases_in_queue
from console.forms import QueueFilterForm
from console.timers import annotate_rows, annotate_timers
from messaging.models import CallbackRequest

PAGE_SIZE = 50


def _queue(request: HttpRequest) -> dict:
    user = request.user
    team_ids = visible_team_ids(user)
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name"))
    form = QueueFilterForm(request.GET or None, teams=teams)
    # "Asked for a person": an open callback request, in the same query.
    cases = cases_in_queue(user).annotate(
        asked_for_person=Exists(
            CallbackRequest.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
        )
    )
    cases = form.filter(cases, user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    annotate_timers(rows, timezone.now())
    annotate_rows(rows)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "teams": teams,
        "page": page,
        "rows": rows,
        "filter_query": query.urlencode(),
        "page_query": request.GET.urlencode(),
        "poll_seconds": settings.CONSOLE_POLL_SECONDS,
        "is_supervisor": has_role(user, "supervisor"),
        "labels": {
            "flagged": _("Flagged"),
            "crisis": _("Crisis"),
            "not_sent": _("Crisis during intake, not sent"),
            "no_crisis": _("No crisis signal"),
            "claim": _("Claim"),
            "asked_for_person": _("Asked for a person"),
            "waiting": _("Waiting"),
        },
    }


@require_GET
@mfa_required
@no_phi
def queue_page(request: HttpRequest) -> HttpResponse:
    """The queue (no PHI); records one LIST (or SEARCH) event per full page load."""
    context = _queue(request)
    form = context["form"]
    searching = bool(form.is_bound and form.is_valid() and form.cleaned_data["q"])
    record_access(
        request=request,
        action=AccessEvent.Action.SEARCH if searching else AccessEvent.Action.LIST,
        object_type="cases.case",
        details={
            "view": "queue",
            "filters": form.active_filters(),
            "count": context["page"].paginator.count,
            "references": [case.reference for case in context["rows"]],
        },
    )
    return render(request, "console/queue.html", context)


@require_GET
@mfa_required
@no_phi
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The table body alone, for the background poll (no PHI, no audit event)."""
    return render(request, "console/snippets/queue_poll.html", _queue(request))
