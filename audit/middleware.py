from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit import context
from audit.services import AuditWriteError
from audit.views import audit_unavailable

logger = logging.getLogger(__name__)


class AuditContextMiddleware:
    """Puts the request id, client address, user agent and path where audit writes find
    them (``request.audit_context`` and a contextvar), sends ``X-Request-ID`` back, and
    fails closed: an AuditWriteError anywhere in a view becomes a 503 page, so PHI is
    never served unaudited.

    Place after AuthenticationMiddleware (events name the signed-in user).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = context.context_from(request)
        request.audit_context = ctx
        token = context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response[context.REQUEST_ID_HEADER] = ctx.request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuditWriteError):
            logger.error(
                "audit write failed, response withheld (request %s)",
                getattr(getattr(request, "audit_context", None), "request_id", "-"),
            )
            return audit_unavailable(request)
        return None
