"""Telling the patient "You have a new message": an outbox row per staff reply.

No PHI leaves in the notice: only that sentence and a link to the generic status
page, which asks for the private link from the confirmation page. The private link
itself cannot be sent: only its hash is stored, and issuing a new one would break
the link the patient saved. Delivery reuses the paging channels (e-mail, and the
signed webhook for an SMS gateway); rows are claimed with a conditional UPDATE so a
retry or a redelivered task never sends twice, and the beat sweep re-dispatches.
Nothing here enqueues: the caller sends a queued notice after commit
(``messaging.services``), and the task schedules a failed send's retry.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from intake.models import Intake
from messaging.models import Conversation, Message, PatientNotice
from paging.channels import DeliveryError
from paging.channels import Message as ChannelMessage
from paging.channels import email as email_channel
from paging.channels import webhook as webhook_channel
from paging.services.notify import backoff_seconds

logger = logging.getLogger(__name__)

CLOSED = gettext_lazy("This request is closed, so new messages cannot be sent here.")

LEASE_SECONDS = 60
MAX_ATTEMPTS = 8


def channel_for(intake: Intake) -> str:
    """E-mail, or the SMS webhook when the patient prefers texts; "" when unreachable."""
    sms = bool(settings.PATIENT_SMS_WEBHOOK_URL and intake.phone)
    if intake.preferred_contact == Intake.ContactMethod.TEXT and sms:
        return PatientNotice.Channel.WEBHOOK
    if intake.email:
        return PatientNotice.Channel.EMAIL
    return PatientNotice.Channel.WEBHOOK if sms else ""


def notice_queue(*, conversation: Conversation, message: Message) -> PatientNotice | None:
    """Queue one notice for a staff reply (one pending notice per conversation is enough).

    Returns the new notice (None when one was already pending); when it is pending the
    caller hands it to ``tasks.send_patient_notice`` after commit.
    """
    if conversation.notices.filter(status=PatientNotice.Status.PENDING).exists():
        return None
    intake = conversation.case.intake
    channel = channel_for(intake) if intake.status == Intake.Status.SUBMITTED else ""
    notice = PatientNotice.objects.create(
        conversation=conversation,
        message=message,
        channel=channel,
        status=PatientNotice.Status.PENDING if channel else PatientNotice.Status.SKIPPED,
        next_try_at=timezone.now(),
    )
    return notice


def status_help_url() -> str:
    return f"{settings.SITE_URL}{reverse('intake:status_help')}"


def notice_text(language: str) -> tuple[str, str]:
    """Subject and text: the sentence and the link, nothing else."""
    with override(language):
        subject = _("You have a new message")
        text = _(
            "You have a new message. Read it through the private link from your "
            "confirmation page: %(url)s"
        ) % {"url": status_help_url()}
    return subject, text + "\n"


def _claim(notice_id, now: dt.datetime) -> PatientNotice | None:
    claimable = Q(status=PatientNotice.Status.PENDING, next_try_at__lte=now) | Q(
        status=PatientNotice.Status.SENDING, lease_until__lt=now
    )
    taken = PatientNotice.objects.filter(claimable, pk=notice_id).update(
        status=PatientNotice.Status.SENDING,
        lease_until=now + dt.timedelta(seconds=LEASE_SECONDS),
        attempt=F("attempt") + 1,
    )
    if not taken:
        return None
    return PatientNotice.objects.select_related("conversation__case__intake").get(pk=notice_id)


def _channel_message(notice: PatientNotice) -> ChannelMessage:
    intake = notice.conversation.case.intake
    subject, text = notice_text(intake.language)
    key = f"patient-notice:{notice.pk}"
    if notice.channel == PatientNotice.Channel.EMAIL:
        return ChannelMessage(key, notice.attempt, "patient_message", intake.email, subject, text)
    payload = {
        "type": "patient_message",
        "id": str(notice.pk),
        "attempt_key": key,
        "to": intake.phone,
        "text": text.strip(),
        "link": status_help_url(),
    }
    return ChannelMessage(
        key, notice.attempt, "patient_message", settings.PATIENT_SMS_WEBHOOK_URL, subject, text,
        payload,
    )  # fmt: skip


SEND = {
    PatientNotice.Channel.EMAIL: email_channel.deliver,
    PatientNotice.Channel.WEBHOOK: webhook_channel.deliver,
}


def notice_send(*, notice_id) -> str:
    """Send one notice if it is still due; returns its status afterwards."""
    now = timezone.now()
    notice = _claim(notice_id, now)
    if notice is None:
        return "not-claimed"
    fenced = PatientNotice.objects.filter(
        pk=notice.pk, status=PatientNotice.Status.SENDING, attempt=notice.attempt
    )
    if notice.conversation.case.intake.status != Intake.Status.SUBMITTED:
        fenced.update(status=PatientNotice.Status.SKIPPED, lease_until=None)
        return PatientNotice.Status.SKIPPED
    try:
        SEND[notice.channel](_channel_message(notice))
    except DeliveryError as exc:
        return _failed(notice, fenced, str(exc))
    fenced.update(
        status=PatientNotice.Status.SENT, sent_at=timezone.now(), error="", lease_until=None
    )
    return PatientNotice.Status.SENT


def _failed(notice: PatientNotice, fenced, error: str) -> str:
    # Keep the channel and the error class only: an SMTP error can quote the address.
    error = ":".join(error.split(":")[:2])
    logger.warning("messaging: notice %s attempt %s failed", notice.pk, notice.attempt)
    if notice.attempt >= MAX_ATTEMPTS:
        fenced.update(status=PatientNotice.Status.FAILED, error=error[:500], lease_until=None)
        return PatientNotice.Status.FAILED
    delay = backoff_seconds(notice.attempt)
    fenced.update(
        status=PatientNotice.Status.PENDING,
        error=error[:500],
        lease_until=None,
        next_try_at=timezone.now() + dt.timedelta(seconds=delay),
    )
    return PatientNotice.Status.PENDING


def notice_due_at(*, notice_id) -> dt.datetime | None:
    """When a pending notice may be tried again; None when it is not pending."""
    return (
        PatientNotice.objects.filter(pk=notice_id, status=PatientNotice.Status.PENDING)
        .values_list("next_try_at", flat=True)
        .first()
    )


def notices_due(*, now: dt.datetime | None = None, grace_seconds: int = 30, limit: int = 500):
    """Notices a lost task or a dead worker left behind."""
    now = now or timezone.now()
    grace = now - dt.timedelta(seconds=grace_seconds)
    return list(
        PatientNotice.objects.filter(
            Q(status=PatientNotice.Status.PENDING, next_try_at__lte=grace)
            | Q(status=PatientNotice.Status.SENDING, lease_until__lt=now)
        ).values_list("pk", flat=True)[:limit]
    )
