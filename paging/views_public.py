"""Links from notifications that work without a session: acknowledge, confirm a shift.

They show no PHI (a case reference and a team name) and never open a case: that
needs a signed-in, MFA-verified session in the console.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from audit.decorators import no_phi
from paging.models import AckLink, ShiftConfirmation
from paging.services import ack_link_use
from paging.services.links import ack_link_id, shift_confirmation_id
from paging.services.shifts import shift_confirm


def _invalid(request: HttpRequest, expired: bool) -> HttpResponse:
    status = 410 if expired else 404
    return render(request, "paging/link_invalid.html", {"expired": expired}, status=status)


@require_http_methods(["GET", "POST"])
@no_phi
def ack(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners follow links); POST acknowledges once."""
    try:
        link_id = ack_link_id(token)
    except signing.SignatureExpired:
        return _invalid(request, expired=True)
    except signing.BadSignature:
        return _invalid(request, expired=False)
    link = AckLink.objects.select_related("page", "page__team").filter(pk=link_id).first()
    if link is None:
        return _invalid(request, expired=False)
    if request.method == "POST":
        page, acknowledged = ack_link_use(link_id=link.pk)
        context = {"page": page, "acknowledged": acknowledged, "used": not acknowledged}
        return render(request, "paging/ack_done.html", context)
    context = {"page": link.page, "used": link.used_at is not None, "token": token}
    return render(request, "paging/ack_confirm.html", context)


@require_http_methods(["GET", "POST"])
@no_phi
def shift_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The nurse coming on call confirms the test notification reached them."""
    try:
        confirmation_id = shift_confirmation_id(token)
    except signing.SignatureExpired:
        return _invalid(request, expired=True)
    except signing.BadSignature:
        return _invalid(request, expired=False)
    if request.method == "POST":
        confirmation = shift_confirm(confirmation_id=confirmation_id)
        if confirmation is None:
            return _invalid(request, expired=False)
        return render(request, "paging/shift_confirmed.html", {"confirmation": confirmation})
    confirmation = (
        ShiftConfirmation.objects.select_related("schedule__team", "user")
        .filter(pk=confirmation_id)
        .first()
    )
    if confirmation is None:
        return _invalid(request, expired=False)
    return render(
        request, "paging/shift_confirm.html", {"confirmation": confirmation, "token": token}
    )
