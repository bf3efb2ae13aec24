from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def audit_unavailable(request: HttpRequest) -> HttpResponse:
    """503 in place of a page whose access could not be recorded (fail closed)."""
    html = render_to_string(
        "audit/unavailable.html",
        {
            "title": _("This page is not available right now"),
            "explanation": _(
                "The access could not be recorded, so the information is not shown. "
                "Please try again in a minute; if this persists, tell your administrator."
            ),
        },
        request=request,
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response
