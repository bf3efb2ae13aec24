"""The scan of record of a patient message (worker), and the sweep for missed scans."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from messaging import scripts
from messaging.crisis import handle_message_crisis, message_decision, store_message_scan
from messaging.models import Conversation, Message


@transaction.atomic
def message_scan_of_record(*, message_id) -> str:
    """Scan one patient message and act on any signal; idempotent (redelivery is harmless).

    Locks the conversation before the message, in the same order as the inline scan.
    """
    conversation_id = (
        Message.objects.filter(pk=message_id).values_list("conversation_id", flat=True).first()
    )
    if conversation_id is None:
        return "missing"
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.scan_status != Message.ScanStatus.PENDING:
        return message.scan_status
    case = Case.objects.select_for_update().get(pk=conversation.case_id)
    conversation.case = case
    message.conversation = conversation
    record, script = scripts.active_for(case.team)
    decision = message_decision(body=message.body, language=case.intake.language, script=script)
    store_message_scan(case=case, message=message, decision=decision, scan="record")
    if decision.text_crisis:
        handle_message_crisis(
            conversation=conversation,
            message=message,
            decision=decision,
            version=scripts.version_of(record, script),
            source="scan of record",
        )
    found = decision.text_crisis
    message.scan_status = Message.ScanStatus.SIGNAL if found else Message.ScanStatus.CLEAN
    message.scanned_at = timezone.now()
    message.save(update_fields=["scan_status", "scanned_at"])
    return message.scan_status


def messages_missing_scan(older_than: dt.timedelta = dt.timedelta(minutes=1), limit: int = 500):
    cutoff = timezone.now() - older_than
    return list(
        Message.objects.filter(scan_status=Message.ScanStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
