"""Paging models, one module per concept; imported here so Django finds them."""

from paging.models.notifications import Notification, WebhookEndpoint
from paging.models.pages import AckLink, Page, PageCase
from paging.models.policies import EscalationPolicy, EscalationStep
from paging.models.schedules import (
    OnCallSchedule,
    RotationMember,
    ShiftConfirmation,
    ShiftOverride,
)
from paging.models.sms import PagingPhone, SmsAccount

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
