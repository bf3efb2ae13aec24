"""E-mail through Django's configured backend (EMAIL_URL)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

from paging.channels import DeliveryError, Message


def deliver(message: Message) -> str:
    msgid = make_msgid(domain="triage-paging")
    email = EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={"Message-ID": msgid, "X-Paging-Attempt-Key": message.attempt_key},
    )
    try:
        sent = email.send(fail_silently=False)
    except Exception as exc:  # SMTP and backend errors vary; all mean "not sent"
        raise DeliveryError(f"email: {type(exc).__name__}: {exc}"[:400]) from exc
    if sent != 1:
        raise DeliveryError("email: backend accepted no message")
    return msgid
