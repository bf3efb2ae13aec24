"""Factories for conversations and messages (plain functions over the real services)."""

from __future__ import annotations

from accounts.roles import Role
from messaging.models import Conversation, Message
from messaging.services import conversation_for_case
from tests.factories.accounts import make_staff
from tests.factories.cases import make_case, make_team

HOURS = "What are your opening hours?"
DOSE = "What dose of sertraline should I take?"
CRISIS = "I want to kill myself tonight"
CRISIS_ES = "quiero morirme"
UNKNOWN = "Do you have parking near the entrance?"


def make_conversation(case=None, **case_fields) -> Conversation:
    return conversation_for_case(case=case or make_case(**case_fields))


def make_nurse(team=None, **fields):
    fields.setdefault("first_name", "Ana")
    return make_staff(Role.NURSE, team=team or make_team(), **fields)


def make_message(conversation: Conversation, sender: str = Message.Sender.PATIENT, **fields):
    fields.setdefault("body", "Hello")
    if sender == Message.Sender.PATIENT:
        fields.setdefault("scan_status", Message.ScanStatus.PENDING)
    if sender == Message.Sender.ASSISTANT:
        fields.setdefault("reply_text_id", "cannot_answer")
    return Message.objects.create(conversation=conversation, sender=sender, **fields)
