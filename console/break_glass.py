"""Break the glass: a clinician opens a case outside their teams, giving a reason.

The request page shows only the reference code and the team (no PHI). The grant and
its reason go to the audit trail (``break_glass_open``) and to the supervisors of the
case's team for review.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import mfa_required, role_required
from audit.decorators import no_phi, shows_phi
from audit.models import AccessEvent
from audit.services import record_access
from cases.access import (
    break_glass_for_review,
    break_glass_open,
    get_case_for_user,
    visible_cases,
)
from cases.actions import ActionError, break_glass_review
from cases.models import BreakGlassAccess, Case
from console.common import redirect_after_post
from console.forms import BreakGlassForm


@require_http_methods(["GET", "POST"])
@mfa_required
@no_phi
def request_access(request: HttpRequest, case_id) -> HttpResponse:
    """Ask for a reason (GET), then grant time-limited access and open the case (POST)."""
    user = request.user
    if not user.has_perm("accounts.break_glass"):
        # Not a clinician: the ordinary access check answers (404 and a denied event).
        case = get_case_for_user(request, case_id)
        return redirect("console:case", case_id=case.pk)
    case = get_object_or_404(Case.objects.select_related("team"), pk=case_id)
    if visible_cases(user).filter(pk=case.pk).exists():
        return redirect("console:case", case_id=case.pk)
    form = BreakGlassForm(request.POST or None, auto_id="break_glass_%s")
    if request.method == "POST" and form.is_valid():
        break_glass_open(request=request, case=case, reason=form.cleaned_data["reason"])
        messages.warning(
            request,
            _("Emergency access to case %(ref)s granted. It is recorded and will be reviewed.")
            % {"ref": case.reference},
        )
        return redirect("console:case", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "console/break_glass.html",
        {"case": case, "form": form, "break_glass_minutes": settings.BREAK_GLASS_MINUTES},
        status=status,
    )


@role_required("supervisor")
@shows_phi
def review_list(request: HttpRequest) -> HttpResponse:
    """Break-glass accesses to the supervisor's teams, unreviewed first (reasons shown)."""
    accesses = list(break_glass_for_review(request.user)[:200])
    record_access(
        request=request,
        action=AccessEvent.Action.LIST,
        object_type="cases.breakglassaccess",
        details={"view": "break_glass_review", "count": len(accesses)},
    )
    return render(request, "console/break_glass_review.html", {"accesses": accesses})


@require_POST
@role_required("supervisor")
@no_phi
def mark_reviewed(request: HttpRequest, access_id) -> HttpResponse:
    """Mark one break-glass access as reviewed (the supervisor's own teams only)."""
    access = get_object_or_404(BreakGlassAccess, pk=access_id)
    try:
        break_glass_review(access=access, user=request.user)
    except ActionError as exc:
        raise Http404 from exc
    messages.success(request, _("Marked as reviewed."))
    return redirect_after_post(request, reverse("console:break_glass_review"))
