"""The console's alert panel: its half-second poll, its one-tap actions, the notification link.

None of these views shows PHI: case references, acuity, staff names, channels, times.
The actions write their own audit events (services/actions.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import mfa_required
from audit.decorators import no_phi
from paging import panel as selectors
from paging.models import AckLink
from paging.services import actions
from paging.services.links import act_link_id
from paging.views import _get_page_for_user

BODY = "paging/panel/body.html"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest) -> str:
    """``next`` when it is a path on this site; the queue otherwise."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("console:home")


def _current_path(request: HttpRequest) -> str:
    """The page the panel is on (for the forms' ``next`` without JavaScript)."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path + (f"?{current.query}" if current.query else "")


def _body(request: HttpRequest, version: str, message: str = "", error: bool = False):
    items = selectors.panel_items(request.user)
    context = {
        "items": items,
        "ringing": sum(1 for item in items if item.ringing),
        "version": version,
        "oob": True,
        "status_message": message,
        "status_error": error,
        "next": _current_path(request),
    }
    response = render(request, BODY, context)
    response["X-Panel-Version"] = version  # for scripts; the page reads the hidden input
    return response


@require_GET
@mfa_required
@no_phi
def panel(request: HttpRequest) -> HttpResponse:
    """The panel's poll: 204 while ``v`` is current (one query), else the fragment."""
    version = selectors.panel_version(request.user)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    return _body(request, version)


@require_POST
@mfa_required
@no_phi
def page_action(request: HttpRequest, page_id) -> HttpResponse:
    """One tap: acknowledge, escalate, reassign or snooze (``action`` in the form).

    htmx gets the refreshed panel with the outcome in its status line (the nurse
    stays where she is); a plain form post is redirected back to a same-site ``next``.
    """
    page = _get_page_for_user(request, page_id)
    action = request.POST.get("action", "")
    error = False
    try:
        outcome = actions.run(action, page_id=page.pk, user=request.user, params=request.POST)
        message = outcome.message
    except actions.ActionError as exc:
        message, error = str(exc), True
    if _is_htmx(request):
        return _body(request, selectors.panel_version(request.user), message, error)
    (messages.error if error else messages.success)(request, message)
    return HttpResponseRedirect(_safe_next(request), status=303)


def _link_refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "paging/panel/link_refused.html", {"reason": reason}, status=status)


@require_http_methods(["GET", "POST"])
@mfa_required
@no_phi
def act_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a notification: signed, single-use, for its recipient, signed in.

    Without a verified session the sign-in (password, then the second factor) brings
    the nurse back here. GET shows the page and its action buttons (mail scanners
    follow links: GET never acts); a POST spends the link and acts once.
    """
    try:
        link_id = act_link_id(token)
    except signing.SignatureExpired:
        return _link_refused(request, "expired", 410)
    except signing.BadSignature:
        return _link_refused(request, "invalid", 404)
    link = AckLink.objects.select_related("page").filter(pk=link_id).first()
    if link is None:
        return _link_refused(request, "invalid", 404)
    if link.user_id != request.user.pk:
        return _link_refused(request, "other", 403)
    page = _get_page_for_user(request, link.page_id)
    if request.method == "POST":
        try:
            outcome = actions.act_link_use(
                link_id=link.pk,
                user=request.user,
                action=request.POST.get("action", ""),
                params=request.POST,
            )
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        except PermissionDenied:
            return _link_refused(request, "other", 403)
        else:
            return render(request, "paging/panel/link_done.html", {"outcome": outcome})
        link.refresh_from_db()
    items = selectors.panel_items(request.user, pages=[page])
    context = {
        "item": items[0] if items and page.is_open else None,
        "page": page,
        "used": link.used_at is not None,
        "action_url": request.path,
    }
    return render(request, "paging/panel/link.html", context)
