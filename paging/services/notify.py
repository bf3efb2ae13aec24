"""Sending one notification: claim the row, deliver once, record the outcome.

A notification is claimed with a conditional UPDATE (pending and due, or sending
with an expired lease) before anything is sent, so two workers, a retry and a
redelivered message never send the same row twice while a send is in progress.
A worker killed mid-send leaves the row ``sending``; after the lease the tick hands
it out again with the same ``Idempotency-Key``, so a receiver can drop the repeat.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from paging.channels import DeliveryError, Message, PermanentDeliveryError
from paging.channels import console as console_channel
from paging.channels import email as email_channel
from paging.channels import webhook as webhook_channel
from paging.models import Notification, Page
from paging.services import links, sms

logger = logging.getLogger(__name__)

CHANNELS = {
    Notification.Channel.EMAIL: email_channel.deliver,
    Notification.Channel.WEBHOOK: webhook_channel.deliver,
    Notification.Channel.CONSOLE: console_channel.deliver,
}


def backoff_seconds(attempt: int) -> float:
    """2, 4, 8, 16, 32, 60, 60 ... seconds after the ``attempt``-th failure."""
    return float(min(2**attempt, 60))


def notification_claim(*, notification_id, now: dt.datetime | None = None) -> Notification | None:
    """Take the row for sending, or None when it is done, taken or not yet due."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.PAGING_SEND_LEASE_SECONDS)
    claimable = Q(status=Notification.Status.PENDING, next_try_at__lte=now) | Q(
        status=Notification.Status.SENDING, lease_until__lt=now
    )
    taken = Notification.objects.filter(claimable, pk=notification_id).update(
        status=Notification.Status.SENDING, lease_until=lease, attempt=F("attempt") + 1
    )
    if not taken:
        return None
    return Notification.objects.select_related(
        "page", "page__team", "recipient", "shift", "shift__user", "team"
    ).get(pk=notification_id)


def _text(n: Notification) -> tuple[str, str, dict]:
    """Subject, text and links. No PHI: a reference code, a team, links."""
    team = n.team.name if n.team else ""
    link_map: dict[str, str] = {}
    with override(settings.LANGUAGE_CODE):
        if n.kind == Notification.Kind.PAGE:
            page = n.page
            link_map["open"] = links.page_url(page.pk)
            if n.ack_link_id:
                link_map["acknowledge"] = links.ack_url(n.ack_link_id)
                # Acknowledge, escalate, reassign or snooze: signed in with MFA, once.
                link_map["act"] = links.act_url(n.ack_link_id)
            subject = _("Crisis page %(ref)s (%(team)s)") % {"ref": page.reference, "team": team}
            lines = [
                _("A crisis page was raised for case %(ref)s of %(team)s.")
                % {"ref": page.reference, "team": team},
                _("Acknowledge: %(url)s") % {"url": link_map.get("acknowledge", link_map["open"])},
                _("Open in the console (sign-in required): %(url)s") % {"url": link_map["open"]},
            ]
            if "act" in link_map:
                lines.append(
                    _("Act in one tap (sign-in required): %(url)s") % {"url": link_map["act"]}
                )
            if page.case_count > 1:
                # Crisis cases from one source share this page (a possible flood).
                lines.insert(
                    1,
                    _(
                        "%(count)s crisis cases from one source share this page; "
                        "each is in the queue."
                    )
                    % {"count": page.case_count},
                )
        elif n.kind == Notification.Kind.SHIFT_TEST:
            link_map["confirm"] = links.shift_confirm_url(n.shift_id)
            subject = _("Test: please confirm your on-call shift (%(team)s)") % {"team": team}
            lines = [
                _(
                    "This is a test of your paging channels before your on-call shift "
                    "starting %(at)s."
                )
                % {"at": n.detail.get("starts_at", "")},
                _("Confirm you received it: %(url)s") % {"url": link_map["confirm"]},
            ]
        elif n.kind == Notification.Kind.SHIFT_UNCONFIRMED:
            link_map["open"] = links.oncall_url()
            subject = _("Unconfirmed on-call shift (%(team)s)") % {"team": team}
            lines = [
                _("%(who)s has not confirmed the on-call shift starting %(at)s.")
                % {"who": n.detail.get("who", ""), "at": n.detail.get("starts_at", "")},
                _("On-call schedule: %(url)s") % {"url": link_map["open"]},
            ]
        else:
            link_map["open"] = links.oncall_url()
            subject = _("Nobody on call for some hours (%(team)s)") % {"team": team}
            lines = [
                _(
                    "In the coming week %(hours)s hours have nobody on call, "
                    "the first from %(start)s."
                )
                % {"hours": n.detail.get("hours", ""), "start": n.detail.get("first", "")},
                _("On-call schedule: %(url)s") % {"url": link_map["open"]},
            ]
    return subject, "\n\n".join(lines) + "\n", link_map


def _message(n: Notification) -> Message:
    subject, text, link_map = _text(n)
    recipient = n.recipient
    payload = {
        "type": n.kind,
        "id": str(n.pk),
        "attempt_key": n.attempt_key,
        "attempt": n.attempt,
        "team": n.team.slug if n.team else "",
        "reference": n.page.reference if n.page else "",
        "page": str(n.page_id) if n.page_id else "",
        "step": n.step,
        "round": n.cycle,
        "recipient": {
            "id": recipient.pk if recipient else None,
            "username": recipient.get_username() if recipient else "",
            "email": recipient.email if recipient else n.address,
        },
        "subject": subject,
        "text": text,
        "links": link_map,
    }
    address = n.address
    return Message(n.attempt_key, n.attempt, n.kind, address, subject, text, payload)


def _no_longer_needed(n: Notification) -> bool:
    return n.kind == Notification.Kind.PAGE and (
        n.page is None or n.page.status != Page.Status.TRIGGERED
    )


def notification_send(*, notification_id) -> str:
    """Send one notification if it is still due; returns its status afterwards."""
    n = notification_claim(notification_id=notification_id)
    if n is None:
        return "not-claimed"
    fenced = Notification.objects.filter(
        pk=n.pk, status=Notification.Status.SENDING, attempt=n.attempt
    )
    if _no_longer_needed(n):
        fenced.update(status=Notification.Status.SKIPPED, lease_until=None)
        return Notification.Status.SKIPPED
    try:
        if n.channel == Notification.Channel.SMS:
            # SMS needs the team's provider account, not only the message.
            provider_id = sms.notification_deliver_sms(n)
        else:
            provider_id = CHANNELS[n.channel](_message(n))
    except DeliveryError as exc:
        return _record_failure(
            n, fenced, str(exc), permanent=isinstance(exc, PermanentDeliveryError)
        )
    now = timezone.now()
    fenced.update(
        status=Notification.Status.SENT,
        sent_at=now,
        provider_message_id=provider_id[:200],
        error="",
        lease_until=None,
    )
    if n.page_id:
        Page.objects.filter(pk=n.page_id, first_notified_at__isnull=True).update(
            first_notified_at=now
        )
    return Notification.Status.SENT


def notifications_send_now(notification_ids) -> None:
    """Send these now, in this process: console alerts first, then webhooks, then e-mail."""
    order = {Notification.Channel.CONSOLE: 0, Notification.Channel.WEBHOOK: 1}
    rows = Notification.objects.filter(pk__in=list(notification_ids)).values_list("pk", "channel")
    for pk, _channel in sorted(rows, key=lambda row: order.get(row[1], 2)):
        notification_send(notification_id=pk)


def _record_failure(n: Notification, fenced, error: str, permanent: bool = False) -> str:
    logger.warning("paging: %s notification %s attempt %s failed: %s", n.channel, n.pk,
                   n.attempt, error[:200])  # fmt: skip
    # A permanent refusal (an invalid number) fails at once; escalation does not wait
    # for it, the page's next step runs on its own schedule.
    if permanent or n.attempt >= settings.PAGING_MAX_ATTEMPTS:
        fenced.update(status=Notification.Status.FAILED, error=error[:500], lease_until=None)
        return Notification.Status.FAILED
    delay = backoff_seconds(n.attempt)
    fenced.update(
        status=Notification.Status.PENDING,
        error=error[:500],
        lease_until=None,
        next_try_at=timezone.now() + dt.timedelta(seconds=delay),
    )
    return Notification.Status.PENDING


def notification_due_at(*, notification_id) -> dt.datetime | None:
    """When a pending notification may be tried again; None when it is not pending."""
    return (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING)
        .values_list("next_try_at", flat=True)
        .first()
    )


def notifications_redispatch(*, now: dt.datetime | None = None, limit: int = 500) -> list[str]:
    """What a lost message or a dead worker left behind, made due again: the ids to send."""
    now = now or timezone.now()
    # A sending row whose lease ran out: its worker died mid-send.
    expired = list(
        Notification.objects.filter(
            status=Notification.Status.SENDING, lease_until__lt=now
        ).values_list("pk", flat=True)[:limit]
    )
    grace = now - dt.timedelta(seconds=settings.PAGING_REDISPATCH_AFTER_SECONDS)
    stale = expired + list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_try_at__lte=grace)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
    if stale:
        # Pushed forward so the next tick does not queue them again while they wait.
        Notification.objects.filter(
            Q(status=Notification.Status.PENDING)
            | Q(status=Notification.Status.SENDING, lease_until__lt=now),
            pk__in=stale,
        ).update(status=Notification.Status.PENDING, next_try_at=now, lease_until=None)
    return [str(pk) for pk in stale]
