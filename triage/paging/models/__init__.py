"""Paging models, one module per concept; imported here so Django finds them."""

from triage.paging.models.notifications import Notification, WebhookEndpoint
from triage.paging.models.pages import AckLink, Page, PageCase
from triage.paging.models.policies import EscalationPolicy, EscalationStep
from triage.paging.models.schedules import (
    OnCallSchedule,
    RotationMember,
    ShiftConfirmation,
    ShiftOverride,
)
from triage.paging.models.sms import PagingPhone, SmsAccount

__all__ = [
    "AckLink",
    "EscalationPolicy",
    "EscalationStep",
    "Notification",
    "OnCallSchedule",
    "Page",
    "PageCase",
    "PagingPhone",
    "RotationMember",
    "ShiftConfirmation",
    "ShiftOverride",
    "SmsAccount",
    "WebhookEndpoint",
]
