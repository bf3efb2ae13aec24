"""What a refused CSRF check answers (``settings.CSRF_FAILURE_VIEW``).

Patients must never meet Django's bare "CSRF verification failed" page: theirs is a
project page with the crisis lines, a plain explanation, and the text they typed (a
message, the reason for contact) back in a box, so nothing is lost. Nothing is stored,
nothing is looked up (the page can show no one else's data) and the typed text is
never logged. Staff pages get a short staff-facing page instead, echoing nothing (a
sign-in form holds a password).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from lib.text import visible

# Everything under these belongs to staff; anything else is public, i.e. a patient's.
STAFF_PREFIXES = ("/console/", "/admin/", "/accounts/", "/paging/")

# The long free text a patient can lose: a message to the clinic and the reason for
# contact. Nothing else is shown back (not contact details, never a password).
KEPT_FIELDS = (
    ("body", _("Your message")),
    ("reason", _("Why are you contacting the clinic?")),
)


def _posted(request: HttpRequest) -> QueryDict | dict:
    try:
        return request.POST
    except (OSError, SuspiciousOperation, MultiPartParserError):
        # An unreadable or oversized body: there is nothing we can give back.
        return {}


def _own_referer_path(request: HttpRequest) -> str:
    try:
        referer = urlsplit(request.headers.get("Referer", ""))
        return referer.path if referer.netloc == request.get_host() else ""
    except (ValueError, SuspiciousOperation):
        return ""


def form_page(request: HttpRequest) -> str:
    """The local path of the page the refused form was on, for a link back to it.

    The language switch names it in ``next``; a browser names it in the Referer (the
    site sends its Referer only to itself); failing both, the form posted to its own
    page (the language switch: the start of the intake).
    """
    candidates, fallback = [], request.path
    if request.path == reverse("set_language"):
        candidates.append(str(_posted(request).get("next", "")))
        fallback = reverse("intake:start")
    candidates.append(_own_referer_path(request))
    for path in candidates:
        if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
            return path
    return fallback


def is_staff_page(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


def kept_text(request: HttpRequest) -> list[dict[str, str]]:
    """The free text of the refused post, as typed (unprintable characters as U+FFFD)."""
    data = _posted(request)
    kept = []
    for name, label in KEPT_FIELDS:
        text = str(data.get(name, ""))
        if text.strip():
            kept.append({"name": name, "label": str(label), "text": visible(text)})
    return kept


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a refused form. ``reason`` is Django's, for the log only: it can quote a
    Referer, and it means nothing to a patient."""
    page = form_page(request)
    # Text is echoed only when neither the form's page nor its target belongs to staff.
    if is_staff_page(page) or is_staff_page(request.path):
        response = render(request, "csrf_failure_staff.html", {"back_url": page}, status=403)
    else:
        context = {"back_url": page, "kept": kept_text(request)}
        response = render(request, "csrf_failure.html", context, status=403)
    # The page can hold what the patient typed, and its path a status link's token.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
