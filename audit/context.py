"""Request context for audit events, carried in contextvars by AuditContextMiddleware.

Services called without a request (deep in a view's call stack) still know the
request id, client address, user agent, path and user of the request being served.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from config.redaction import redact

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
    """The caller's X-Request-ID when well-formed (a proxy's correlation id), else new."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if _REQUEST_ID_RE.match(offered):
        return offered
    return uuid.uuid4().hex


def client_address_from(request: HttpRequest) -> str | None:
    """The first META key of AXES_IPWARE_META_PRECEDENCE_ORDER that holds an address.

    The same setting (AXES_CLIENT_IP_HEADERS) decides where lockouts read the
    address, so the audit trail and the lockouts agree. For a list such as
    X-Forwarded-For the right-most entry is taken: the one the proxy in front of us
    appended; anything to its left is whatever the client chose to send.
    """
    keys = getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", None) or ["REMOTE_ADDR"]
    for key in keys:
        raw = request.META.get(key, "")
        if not raw:
            continue
        candidate = raw.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def context_from(request: HttpRequest) -> AuditContext:
    existing = getattr(request, "audit_context", None)
    if existing is not None:
        return existing
    ctx = AuditContext(
        request_id=request_id_from(request),
        client_address=client_address_from(request),
        user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_MAX],
        path=redact(request.path)[:PATH_MAX],
        request=request,
    )
    # Kept on the request, so every event of one request shares its request id even
    # where the middleware did not run (a RequestFactory request, a test).
    request.audit_context = ctx
    return ctx
