"""Request context for audit events, carried in contextvars by AuditContextMiddleware.

Services called without a request (deep in a view's call stack) still know the
request id, client address, user agent, path and user of the request being served.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from lib.client_address import client_address, trusts_proxy_headers
from lib.redaction import redact

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
USER_AGENT_MAX = 300
PATH_MAX = 300


@dataclass(frozen=True)
class AuditContext:
    request_id: str
    client_address: str | None
    user_agent: str
    path: str
    request: HttpRequest | None = None

    @property
    def user(self) -> Any:
        return getattr(self.request, "user", None) if self.request is not None else None


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


def activate(context: AuditContext):
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)


def request_id_from(request: HttpRequest) -> str:
    """The proxy's X-Request-ID when one is trusted and it is well-formed, else a new id.

    Without a trusted proxy (TRUSTED_PROXY_COUNT 0) the header can only come from the
    client, which must not choose the correlation id recorded in the audit trail.
    """
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if trusts_proxy_headers() and _REQUEST_ID_RE.match(offered):
        return offered
    return uuid.uuid4().hex


def context_from(request: HttpRequest) -> AuditContext:
    existing = getattr(request, "audit_context", None)
    if existing is not None:
        return existing
    ctx = AuditContext(
        request_id=request_id_from(request),
        client_address=client_address(request),
        user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_MAX],
        path=redact(request.path)[:PATH_MAX],
        request=request,
    )
    # Kept on the request, so every event of one request shares its request id even
    # where the middleware did not run (a RequestFactory request, a test).
    request.audit_context = ctx
    return ctx
