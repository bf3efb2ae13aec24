"""A crisis signal in a patient message: store it, silence the assistant, page a person.

Shared by the inline scan (in the patient's request) and the scan of record (worker),
which both run under a lock on the conversation row, so they never page twice. The
engine runs once per message (``message_decision``): its crisis scan, its advice
detection and the script's rules for the acuity the text alone warrants.
"""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case, CaseEvent, CrisisScan, CrisisSignal
from cases.services import case_escalate
from cases.triaging import raise_page, run_engine, store_scan, store_signals
from messaging.models import Conversation, Message
from triage import engine


def message_decision(*, body: str, language: str, script) -> engine.TriageDecision:
    """The engine on one message's text: signals, advice requests, acuity."""
    return run_engine(engine.IntakeFacts(free_text=(body,), language=language), script)


def store_message_scan(
    *, case: Case, message: Message, decision: engine.TriageDecision, scan: str
) -> None:
    store_scan(
        case=case,
        decision=decision,
        source=CrisisScan.Source.MESSAGE,
        source_id=str(message.pk),
        scan=scan,
    )


def conversation_silence_for_crisis(*, conversation: Conversation, message: Message) -> None:
    """The assistant falls silent for good; the conversation is with staff.

    The caller holds the conversation row lock. A conversation already taken over keeps
    its reason, but the crisis content is still shown after the message.
    """
    fields = []
    if conversation.assistant_silenced_at is None:
        conversation.assistant_silenced_at = timezone.now()
        conversation.silenced_reason = Conversation.SilencedReason.CRISIS
        conversation.status = Conversation.Status.WITH_STAFF
        fields += ["assistant_silenced_at", "silenced_reason", "status"]
    if conversation.crisis_message_id is None:
        conversation.crisis_message = message
        fields.append("crisis_message")
    if fields:
        conversation.save(update_fields=fields)


def handle_message_crisis(
    *,
    conversation: Conversation,
    message: Message,
    decision: engine.TriageDecision,
    version: str,
    source: str,
) -> list[CrisisSignal]:
    """Record the signals of ``message`` and hand the patient to a person.

    Runs in the caller's transaction: the signals, the silence, the raised acuity and
    the page commit together or not at all. Returns the signals that were new.
    """
    case = conversation.case
    new = store_signals(
        case=case,
        decision=decision,
        source=CrisisSignal.Source.MESSAGE,
        source_id=str(message.pk),
        version=version,
    )
    conversation_silence_for_crisis(conversation=conversation, message=message)
    # A crisis message moves the case up the queue (never down) by the script's rules,
    # and the raised target counts from the message, not from the intake days ago
    # (the scan of record uses the same time, so both scans agree).
    case_escalate(
        case=case, acuity=decision.acuity, crisis=True, version=version, since=message.created_at
    )
    if new:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.SIGNAL,
            summary=f"{len(new)} crisis signal(s) in a patient message ({source})",
            data={"rule_ids": [s.rule_id for s in new], "message": str(message.pk)},
        )
        raise_page(case=case, signals=new)
    return new
