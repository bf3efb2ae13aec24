"""Supervisors approve or reject admin changes that could open PHI (accounts.approvals)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.approvals import (
    AccessChangeError,
    access_change_approve,
    access_change_refused,
    access_change_reject,
)
from accounts.decorators import role_required
from accounts.models import AccessChangeRequest
from audit.decorators import no_phi
from console.common import redirect_after_post


@require_POST
@role_required("supervisor")
@no_phi
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    """Approve or reject one request: accounts and roles only, no patient data.

    A request the supervisor may not decide (their own, their own account's, another
    team's, already decided) answers 404 and leaves a refused audit event.
    """
    change = get_object_or_404(AccessChangeRequest.objects.select_related("user"), pk=request_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise Http404
    service = access_change_approve if decision == "approve" else access_change_reject
    try:
        service(change=change, decided_by=request.user)
    except AccessChangeError as exc:
        access_change_refused(change=change, user=request.user)
        raise Http404 from exc
    if decision == "approve":
        text = _("Approved and applied: %(change)s for %(user)s.")
    else:
        text = _("Rejected: %(change)s for %(user)s. Nothing was changed.")
    messages.success(request, text % {"change": change.describe(), "user": change.user})
    return redirect_after_post(request, reverse("console:supervisor") + "#access-requests")
