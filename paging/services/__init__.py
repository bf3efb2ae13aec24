"""Paging services: the one write path for pages, schedules and notifications."""

from paging.services.escalation import page_advance
from paging.services.pages import ack_link_use, page_acknowledge, page_raise, page_resolve

__all__ = ["ack_link_use", "page_acknowledge", "page_advance", "page_raise", "page_resolve"]
