"""Markers for views, checked by tests/audit/test_url_coverage.py.

Every console and intake-status view carries exactly one of them:

* ``@shows_phi`` — the view shows PHI and records an access event itself, with
  ``audit.services.record_access(request=request, ...)`` after its access check and
  before it renders. An AuditWriteError then becomes a 503 (fail closed): here and,
  for errors raised below a view, in AuditContextMiddleware.
* ``@no_phi`` — the view shows no PHI (give the reason in its docstring).

``@audited(action, object_type, get_ref=...)`` is a shortcut for simple views: it
marks the view as showing PHI and records one event for every successful (2xx)
response, before the response leaves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from audit.services import AuditWriteError, record_access
from audit.views import audit_unavailable

SHOWS_PHI = "shows_phi"
NO_PHI = "no_phi"
MARKER = "audit_phi"


def _fail_closed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
            # Render lazy responses here, so an audit write in a template tag is caught too.
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response
        except AuditWriteError:
            return audit_unavailable(request)

    return wrapper


def shows_phi(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as showing PHI; it must call record_access (tests check it does)."""
    wrapper = _fail_closed(view)
    setattr(wrapper, MARKER, SHOWS_PHI)
    return wrapper


def no_phi(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as showing no PHI at all."""
    setattr(view, MARKER, NO_PHI)
    return view


def audited(
    action: str,
    object_type: str,
    *,
    get_ref: Callable[..., tuple[Any, str]] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Record ``action`` on ``object_type`` for each 2xx response of the view.

    ``get_ref(request, *args, **kwargs) -> (object_id, patient_ref)`` names the
    object; without it the object id is the ``pk`` URL argument, if any. The event is
    written after the view ran (so a 403/404 records nothing here; record denials
    yourself with Outcome.DENIED) and before the response is sent.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                if get_ref is not None:
                    object_id, patient_ref = get_ref(request, *args, **kwargs)
                else:
                    object_id, patient_ref = kwargs.get("pk", ""), ""
                record_access(
                    request=request,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    patient_ref=patient_ref,
                )
            return response

        return shows_phi(wrapper)

    return decorate
