"""What each side sees of a conversation: authors, the crisis block, the status line."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.roles import Role
from messaging import scripts
from messaging.assistant import CRISIS_RESOURCES
from messaging.models import Conversation, Message

HANDED_TO_PERSON = "handed_to_person"
MESSAGE_RECEIVED = "message_received"


@dataclass(frozen=True)
class Entry:
    message: Message
    author: str
    kind: str  # patient | assistant | staff
    crisis_after: bool  # show the crisis content right after this message


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else ""


def author(message: Message, *, for_patient: bool) -> str:
    if message.sender == Message.Sender.ASSISTANT:
        return _("Automated assistant — not a person")
    if message.sender == Message.Sender.STAFF:
        role = role_label(message.sender_role)
        return f"{message.sender_name} — {role}" if role else message.sender_name
    return _("You") if for_patient else _("Patient")


def entries(conversation: Conversation, *, for_patient: bool) -> list[Entry]:
    if conversation.pk is None:  # not started yet
        return []
    messages = conversation.messages.order_by("created_at", "pk")
    return [
        Entry(
            message=m,
            author=author(m, for_patient=for_patient),
            kind=m.sender,
            crisis_after=m.pk == conversation.crisis_message_id,
        )
        for m in messages
    ]


def texts(case, language: str) -> dict[str, str]:
    """Approved texts of the active script shown around the thread, in ``language``.

    Shown as notes, never stored as assistant messages: the crisis content, the
    hand-over to a person, and "your message has been saved" when nobody automated
    answers.
    """
    _record, script = scripts.active_for(case.team)
    out = {}
    for key in (CRISIS_RESOURCES, HANDED_TO_PERSON, MESSAGE_RECEIVED):
        try:
            out[key] = scripts.approved_text(script, key, language)
        except scripts.UnapprovedText:
            out[key] = ""
    return out
