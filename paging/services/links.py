"""Signed links in notifications: acknowledge a page, confirm a shift.

Tokens are signed and time-stamped (``django.core.signing``) over a row id; the row
makes an acknowledge link single-use. Neither link shows PHI or opens a case.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

# Salts keep the names they had before paging left triage/: links already sent must open.
ACK_SALT = "triage.paging.ack"
SHIFT_SALT = "triage.paging.shift"
# The signed-in action link (acknowledge, escalate, reassign, snooze): its own salt,
# so an acknowledge token never opens it, nor the reverse.
ACT_SALT = "paging.act"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def ack_token(link_id) -> str:
    return signing.TimestampSigner(salt=ACK_SALT).sign(str(link_id))


def ack_link_id(token: str) -> str:
    """The AckLink id in ``token``; raises ``signing.BadSignature`` (or its subclass
    ``SignatureExpired``) when forged or older than PAGING_ACK_LINK_MAX_AGE."""
    return signing.TimestampSigner(salt=ACK_SALT).unsign(
        token, max_age=settings.PAGING_ACK_LINK_MAX_AGE
    )


def act_token(link_id) -> str:
    return signing.TimestampSigner(salt=ACT_SALT).sign(str(link_id))


def act_link_id(token: str) -> str:
    """The AckLink id in an action-link token; raises ``signing.BadSignature`` (or
    ``SignatureExpired``) when forged or older than PAGING_ACK_LINK_MAX_AGE."""
    return signing.TimestampSigner(salt=ACT_SALT).unsign(
        token, max_age=settings.PAGING_ACK_LINK_MAX_AGE
    )


def act_url(link_id) -> str:
    return absolute(reverse("console:paging:act_link", args=[act_token(link_id)]))


def shift_token(confirmation_id) -> str:
    return signing.TimestampSigner(salt=SHIFT_SALT).sign(str(confirmation_id))


def shift_confirmation_id(token: str) -> str:
    return signing.TimestampSigner(salt=SHIFT_SALT).unsign(
        token, max_age=settings.PAGING_SHIFT_LINK_MAX_AGE
    )


def ack_url(link_id) -> str:
    return absolute(reverse("paging_public:ack", args=[ack_token(link_id)]))


def shift_confirm_url(confirmation_id) -> str:
    return absolute(reverse("paging_public:shift_confirm", args=[shift_token(confirmation_id)]))


def page_url(page_id) -> str:
    return absolute(reverse("console:paging:page_detail", args=[page_id]))


def oncall_url() -> str:
    return absolute(reverse("console:paging:oncall"))
