"""Console views of paging (under /console/paging/): thin, decorated, service-backed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import mfa_required
from accounts.models import Team, TeamMembership
from accounts.roles import visible_team_ids
from audit.decorators import no_phi, shows_phi
from audit.models import AccessEvent
from audit.services import record_access
from paging.forms import OverrideForm, ResolveForm
from paging.models import Notification, OnCallSchedule, Page, ShiftConfirmation
from paging.services import figures as paging_figures
from paging.services import oncall, page_acknowledge, page_resolve
from paging.services.shifts import shift_override_create


def _get_page_for_user(request: HttpRequest, page_id) -> Page:
    """The page when it belongs to one of the user's teams; otherwise 404, with a denied
    event on record (a page id that does not exist or belongs to another team)."""
    page = Page.objects.select_related("team", "case").filter(pk=page_id).first()
    if page is not None and page.team_id in visible_team_ids(request.user):
        return page
    # In a transaction of its own, like the console's case refusals: the 404 must not
    # roll back the evidence that someone asked.
    with transaction.atomic():
        record_access(
            request=request,
            action=AccessEvent.Action.DENIED,
            outcome=AccessEvent.Outcome.DENIED,
            object_type="paging.page",
            object_id=str(page_id)[:64],
            patient_ref=page.reference if page is not None else "",
        )
    raise Http404


def _managed_team_ids(user) -> set[int]:
    """Teams whose schedules the user may change: supervised teams, or all with the perm."""
    ids = visible_team_ids(user)
    if user.has_perm("accounts.manage_oncall"):
        return ids
    return set(
        TeamMembership.objects.filter(user=user, is_supervisor=True, team_id__in=ids).values_list(
            "team_id", flat=True
        )
    )


def _team_overview(team: Team, now: dt.datetime, managed: bool) -> dict:
    layers = []
    for layer, label in OnCallSchedule.Layer.choices:
        schedule = OnCallSchedule.objects.filter(team=team, layer=layer, is_active=True).first()
        layers.append(
            {
                "label": label,
                "schedule": schedule,
                "now": oncall.oncall_at(team, layer, now),
                "shifts": oncall.upcoming_shifts(team, layer, now),
            }
        )
    return {
        "team": team,
        "layers": layers,
        "gaps": oncall.coverage_gaps(team, now),
        "managed": managed,
        "unconfirmed": ShiftConfirmation.objects.filter(
            schedule__team=team, confirmed_at__isnull=True, shift_ends_at__gt=now
        ).select_related("user", "schedule")[:20],
    }


@require_GET
@mfa_required
@no_phi
def oncall_view(request: HttpRequest) -> HttpResponse:
    """Who is on call now and the next 7 days, gaps, open pages.

    No PHI: team and staff names, pseudonymous case references and page states.
    """
    now = timezone.now()
    managed = _managed_team_ids(request.user)
    teams = Team.objects.filter(pk__in=visible_team_ids(request.user), is_active=True)
    open_pages = (
        Page.objects.filter(team__in=teams)
        .exclude(status=Page.Status.RESOLVED)
        .select_related("team", "acknowledged_by")
        .order_by("-created_at")[:50]
    )
    context = {
        "overviews": [_team_overview(t, now, t.pk in managed) for t in teams.order_by("name")],
        "open_pages": open_pages,
        "override_form": OverrideForm(team_ids=managed) if managed else None,
        "resolve_form": ResolveForm(),
    }
    return render(request, "paging/oncall.html", context)


@require_GET
@mfa_required
@shows_phi
def page_detail(request: HttpRequest, page_id) -> HttpResponse:
    """A page with its crisis signals (categories) and every notification attempt."""
    page = _get_page_for_user(request, page_id)
    record_access(
        request=request,
        action="view",
        object_type="paging.page",
        object_id=page.pk,
        patient_ref=page.reference,
    )
    context = {
        "page": page,
        "signals": page.signals.all().order_by("created_at"),
        # Later crisis cases from the same source, grouped onto this page.
        "grouped": page.grouped_cases.select_related("case").order_by("added_at"),
        "notifications": page.notifications.select_related("recipient").order_by(
            "cycle", "step", "created_at"
        ),
        "resolve_form": ResolveForm(),
    }
    return render(request, "paging/page_detail.html", context)


def _back(request: HttpRequest, page: Page) -> HttpResponse:
    if request.POST.get("next") == "detail":
        return redirect("console:paging:page_detail", page_id=page.pk)
    return redirect("console:paging:oncall")


@require_POST
@mfa_required
@no_phi
def page_acknowledge_view(request: HttpRequest, page_id) -> HttpResponse:
    """Acknowledge from the console. Shows nothing; redirects."""
    page = _get_page_for_user(request, page_id)
    page = page_acknowledge(page=page, user=request.user, via="console")
    messages.success(request, _("Page %(ref)s acknowledged.") % {"ref": page.reference})
    return _back(request, page)


@require_POST
@mfa_required
@no_phi
def page_resolve_view(request: HttpRequest, page_id) -> HttpResponse:
    """Resolve with a note. Shows nothing; redirects."""
    page = _get_page_for_user(request, page_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a note to resolve the page."))
        return _back(request, page)
    page = page_resolve(page=page, user=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Page %(ref)s resolved.") % {"ref": page.reference})
    return _back(request, page)


@require_POST
@mfa_required
@no_phi
def override_create(request: HttpRequest) -> HttpResponse:
    """A supervisor swaps a shift. Shows nothing; redirects."""
    managed = _managed_team_ids(request.user)
    if not managed:
        raise PermissionDenied
    form = OverrideForm(request.POST, team_ids=managed)
    if form.is_valid():
        try:
            shift_override_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Override saved."))
    else:
        messages.error(request, _("The override was not saved: check the fields."))
    return redirect("console:paging:oncall")


@require_GET
@mfa_required
@no_phi
def alerts(request: HttpRequest) -> HttpResponse:
    """The in-console alert fragment, polled every few seconds (X-Background-Poll: 1).

    No PHI: case references, team names and links.
    """
    user = request.user
    sent_console = Notification.objects.filter(
        recipient=user, channel=Notification.Channel.CONSOLE, status=Notification.Status.SENT
    )
    pages = list(
        Page.objects.filter(
            status=Page.Status.TRIGGERED,
            notifications__in=sent_console.filter(kind=Notification.Kind.PAGE),
        )
        .distinct()
        .select_related("team")
        .order_by("-created_at")[:10]
    )
    unseen = sent_console.filter(seen_at__isnull=True)
    new_alert = unseen.filter(kind=Notification.Kind.PAGE, page__in=pages).exists()
    notices = list(unseen.exclude(kind=Notification.Kind.PAGE).select_related("team")[:10])
    unseen.update(seen_at=timezone.now())
    context = {"pages": pages, "notices": notices, "new_alert": new_alert}
    return render(request, "paging/snippets/alerts_list.html", context)


@require_http_methods(["GET"])
@mfa_required
@no_phi
def figures(request: HttpRequest) -> HttpResponse:
    """Supervisors: p50/p95 time to first notification and to acknowledgement per team.

    No PHI: aggregates per team.
    """
    supervised = set(
        TeamMembership.objects.filter(user=request.user, is_supervisor=True).values_list(
            "team_id", flat=True
        )
    )
    if request.user.has_perm("accounts.view_reports"):
        supervised |= visible_team_ids(request.user)
    if not supervised:
        raise PermissionDenied
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 365))
    except ValueError:
        days = 30
    rows = paging_figures.team_figures(supervised, days=days)
    return render(request, "paging/figures.html", {"rows": rows, "days": days})
