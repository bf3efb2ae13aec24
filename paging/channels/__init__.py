"""Delivery channels. Each ``deliver(message)`` sends one message or raises
``DeliveryError``, and returns the provider's message id (or "")."""

from __future__ import annotations

from dataclasses import dataclass, field


class DeliveryError(Exception):
    """The channel could not deliver; the notification is retried with backoff."""


class PermanentDeliveryError(DeliveryError):
    """The provider refused the message for good (an invalid number, a rejected account):
    retrying cannot help, so the notification fails at once and escalation goes on."""


@dataclass(frozen=True)
class Message:
    """What is sent. Never PHI: a case reference, a team name and links."""

    attempt_key: str
    attempt: int
    kind: str
    address: str
    subject: str
    text: str
    payload: dict = field(default_factory=dict)
