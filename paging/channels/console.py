"""In-console alert: the sent row is what the alert poll shows, with a sound."""

from __future__ import annotations

from paging.channels import Message


def deliver(message: Message) -> str:
    # Nothing leaves the building: marking the row sent makes the alert visible to
    # the recipient's next poll (every few seconds).
    return f"console:{message.attempt_key}"
