"""Small helpers shared by the console views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_after_post(request: HttpRequest, default: str) -> HttpResponse:
    """303 to ``next`` (a safe local URL) or ``default``; htmx gets a full-page HX-Redirect."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    response = HttpResponseRedirect(target)
    response.status_code = 303
    return response
