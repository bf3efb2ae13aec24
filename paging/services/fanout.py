"""The one fan-out: notification rows for one step, each recipient on each channel.

Every notification is made here: a page's escalation step, a page handed to a
colleague, a shift test, a warning to supervisors. One row per (recipient, channel,
webhook endpoint), keyed ``<key_prefix>:<channel>:<recipient>`` (unique), so running
a step twice makes no second row. A page's rows share one acknowledge link per
recipient and may go by SMS; other kinds never do (their text is not an SMS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from paging.models import AckLink, Notification, Page, WebhookEndpoint
from paging.services import sms
from paging.services.policy import Recipient

Channel = Notification.Channel


def _targets(
    recipient: Recipient, channels: Iterable[str], endpoints, sms_digits: dict[int, str]
) -> list[tuple[str, str, str]]:
    """(channel, address, key part) of every row ``recipient`` gets, in ``channels`` order.

    A fallback address without a user account gets e-mail and the webhooks only.
    """
    user = recipient.user
    targets: list[tuple[str, str, str]] = []
    for channel in channels:
        if channel == Channel.EMAIL and recipient.email:
            targets.append((channel, recipient.email, "email"))
        elif channel == Channel.CONSOLE and user is not None:
            targets.append((channel, "", "console"))
        elif channel == Channel.WEBHOOK:
            targets.extend((channel, ep.url, f"webhook{ep.pk}") for ep in endpoints)
        elif channel == Channel.SMS and user is not None and sms_digits.get(user.pk):
            # The number itself stays sealed in PagingPhone.
            targets.append((channel, f"…{sms_digits[user.pk]}", "sms"))
    return targets


def notifications_fan_out(
    *,
    kind: str,
    team,
    recipients: Iterable[Recipient],
    channels: Iterable[str],
    key_prefix: str,
    page: Page | None = None,
    step: int = 0,
    detail: dict | None = None,
    shift=None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Create the rows of one step; returns the ids of the rows new to the database.

    ``channels`` in order of preference; SMS only for a page, and only to users with
    an active paging phone when ``team`` has an SMS account. The caller sends the
    returned ids after commit (and runs inside the transaction of the step).
    """
    now = now or timezone.now()
    recipients = list(recipients)
    channels = list(channels)
    is_page = kind == Notification.Kind.PAGE
    endpoints = list(
        WebhookEndpoint.objects.filter(Q(team__isnull=True) | Q(team=team), is_active=True)
    )
    # {user id: last digits}: only when the team has an SMS account and the step texts.
    sms_digits = (
        sms.sms_recipients(team, [r.user for r in recipients])
        if is_page and Channel.SMS in channels
        else {}
    )
    rows: list[Notification] = []
    for recipient in recipients:
        link = AckLink(page=page, user=recipient.user) if is_page else None
        rows += [
            Notification(
                attempt_key=f"{key_prefix}:{name}:{recipient.key}",
                kind=kind,
                page=page,
                shift=shift,
                team=team,
                cycle=page.cycle if page is not None else 0,
                step=step,
                channel=channel,
                recipient=recipient.user,
                address=address,
                fallback=recipient.fallback,
                detail=detail or {},
                next_try_at=now,
                ack_link=link,
            )
            for channel, address, name in _targets(recipient, channels, endpoints, sms_digits)
        ]
    existing = set(
        Notification.objects.filter(attempt_key__in=[n.attempt_key for n in rows]).values_list(
            "attempt_key", flat=True
        )
    )
    rows = [n for n in rows if n.attempt_key not in existing]
    links = {id(n.ack_link): n.ack_link for n in rows if n.ack_link is not None}
    AckLink.objects.bulk_create(links.values())
    for n in rows:
        n.ack_link = links.get(id(n.ack_link))
    # A concurrent run of the same step (a shift tick overlapping the next) loses
    # quietly: its ids then name no row, and sending them claims nothing.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return [str(n.pk) for n in rows]
