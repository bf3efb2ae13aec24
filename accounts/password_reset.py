"""Staff password reset by e-mail: Django's views, rate-limited and audited.

The request page answers the same whether or not the address belongs to an account
(no enumeration), and the rate limits count every request, known address or not.
After a new password is set the user is not signed in: the next sign-in needs the
password and the second factor as always. A reset never touches django-axes: a
locked sign-in stays locked until it expires or an administrator unlocks it.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from audit.models import AccessEvent
from audit.services import record_access
from lib.client_address import client_address

logger = logging.getLogger(__name__)

OBJECT_TYPE = "accounts.user"


def _now() -> float:
    return time.time()


def _hit(scope: str, value: str) -> bool:
    """Count one request for ``value`` in ``scope``; False when it is over the limit.

    The value (an address or an e-mail) is hashed, so the cache never holds it in
    clear. Unlike the intake's limit this one fails closed: without the cache nobody
    gets reset e-mails for a while, which is safer than unlimited ones.
    """
    limit = settings.PASSWORD_RESET_RATE_LIMIT
    window = settings.PASSWORD_RESET_RATE_WINDOW
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"ratelimit:password_reset:{scope}:{digest}"
    now = _now()
    try:
        recent = [t for t in cache.get(key, []) if now - t < window]
        allowed = len(recent) < limit
        if allowed:
            recent.append(now)
        cache.set(key, recent[-limit:], timeout=window)
    except Exception as exc:  # any cache backend error
        logger.warning("password reset refused: cache unavailable (%s)", type(exc).__name__)
        return False
    return allowed


def _audit(event: str, *, action: str, outcome=AccessEvent.Outcome.ALLOWED, user=None,
           **details) -> None:  # fmt: skip
    # No e-mail address here: the user id (when there is one) is enough.
    record_access(
        actor=user,
        action=action,
        outcome=outcome,
        object_type=OBJECT_TYPE,
        object_id=str(user.pk) if user is not None else "",
        reason=f"password reset {event}",
        details={"security_event": f"password_reset_{event}", **details},
    )


class StaffPasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    email_template_name = "accounts/emails/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        if not _hit("address", client_address(request) or "unknown"):
            return self._throttled(form, "address")
        if form.is_valid() and not _hit("email", form.cleaned_data["email"].strip().lower()):
            return self._throttled(form, "email")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        user_ids = [user.pk for user in form.get_users(form.cleaned_data["email"])]
        _audit("requested", action=AccessEvent.Action.CREATE, user_ids=user_ids)
        # Sends an e-mail to each active account with that address, none otherwise; the
        # answer is the same "check your e-mail" page either way.
        return super().form_valid(form)

    def _throttled(self, form, scope: str) -> HttpResponse:
        _audit(
            "throttled",
            action=AccessEvent.Action.DENIED,
            outcome=AccessEvent.Outcome.DENIED,
            limit=scope,
        )
        form.is_valid()
        form.add_error(
            None,
            _("Too many password reset requests. Wait an hour, then try again."),
        )
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 429
        return response


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    # The new password alone never opens a session: sign in with it and the code.
    post_reset_login = False

    def dispatch(self, *args, **kwargs) -> HttpResponse:
        response = super().dispatch(*args, **kwargs)
        # A redirect is the valid link moving its token into the session.
        if not self.validlink and response.status_code == 200:
            _audit(
                "link_refused",
                action=AccessEvent.Action.DENIED,
                outcome=AccessEvent.Outcome.DENIED,
            )
        return response

    @transaction.atomic
    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        _audit("completed", action=AccessEvent.Action.UPDATE, user=form.user, user_id=form.user.pk)
        return response


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
