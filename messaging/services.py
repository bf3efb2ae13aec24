"""The write paths of a conversation: patient posts, staff posts, takeover.

A patient's message is stored first, in a transaction of its own, and its scan of
record is queued after that commit: whatever fails later (the inline scan, the
assistant, paging, the broker), the message is kept and the worker (or the beat
sweep) scans it. The inline scan then runs in a second transaction so the patient
sees crisis content in the same response.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, user_roles
from audit.models import AccessEvent
from audit.services import record_access
from cases.models import Case, CaseEvent
from cases.services import case_flag_follow_up
from intake.models import Intake
from lib.enqueue import enqueue
from messaging import assistant, callbacks, clinic, notices, scripts, tasks
from messaging.bodies import body_problem, normalize_body
from messaging.crisis import handle_message_crisis, message_decision, store_message_scan
from messaging.models import CallbackRequest, Conversation, Message, PatientNotice
from triage.engine.clinic_questions import HOURS, fact_question
from triage.engine.person_request import detect_person_request

logger = logging.getLogger(__name__)

OBJECT_TYPE = "messaging.conversation"


class MessageRejected(ValueError):
    """The message cannot be accepted; ``str(exc)`` is the patient-facing reason."""


@dataclass(frozen=True)
class PatientPost:
    message: Message
    reply: Message | None
    # True when the inline scan found a crisis signal: show crisis content now, even
    # if storing the signal failed (the scan of record will store it).
    crisis: bool
    # The callback request the message asked for (or joined), when it asked for a person.
    callback: CallbackRequest | None = None


def conversation_for_case(*, case: Case) -> Conversation:
    """The case's conversation, created on first use (race-safe on the unique case)."""
    conversation, _created = Conversation.objects.get_or_create(case=case)
    return conversation


def conversation_to_show(case: Case) -> Conversation:
    """The case's conversation for a page to show; one not started yet is an unsaved
    instance, so showing a page writes nothing (the first message creates it)."""
    return Conversation.objects.filter(case=case).first() or Conversation(case=case)


def patient_can_write(case: Case) -> bool:
    return case.intake.status == Intake.Status.SUBMITTED and case.status != Case.Status.CLOSED


def _clean(body: str) -> str:
    body = normalize_body(body or "")
    problem = body_problem(body)
    if problem:
        raise MessageRejected(problem)
    return body


@transaction.atomic
def _store_patient_message(*, case: Case, body: str) -> Message:
    conversation = conversation_for_case(case=case)
    message = Message.objects.create(
        conversation=conversation,
        sender=Message.Sender.PATIENT,
        body=body,
        scan_status=Message.ScanStatus.PENDING,
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.MESSAGE,
        summary="Message from the patient",
        data={"message": str(message.pk), "sender": "patient"},
    )
    message_id = str(message.pk)
    transaction.on_commit(lambda: _enqueue_scan(message_id), robust=True)
    return message


def message_post_from_patient(*, case: Case, body: str) -> PatientPost:
    """Store the patient's message, scan it inline, and answer if the assistant may.

    Not atomic on purpose: the message commits on its own before anything can fail.
    """
    if not patient_can_write(case):
        raise MessageRejected(str(notices.CLOSED))
    message = _store_patient_message(case=case, body=_clean(body))
    try:
        record, script = scripts.active_for(case.team)
        decision = message_decision(body=message.body, language=case.intake.language, script=script)
    except Exception:  # unscanned: no automated reply; the scan of record retries
        logger.exception("messaging: inline scan of message %s failed", message.pk)
        return PatientPost(message=message, reply=None, crisis=False)
    try:
        reply, callback = _respond_inline(
            message=message, decision=decision, script=script, record=record
        )
    except Exception:  # the message is stored; the scan of record finishes the work
        logger.exception("messaging: inline handling of message %s failed", message.pk)
        reply, callback = None, None
    return PatientPost(message=message, reply=reply, crisis=decision.text_crisis, callback=callback)


def preferred_channel(intake: Intake) -> str:
    """How the patient asked to be contacted, else a channel they gave details for."""
    if intake.preferred_contact:
        return intake.preferred_contact
    return CallbackRequest.Channel.PHONE if intake.phone else CallbackRequest.Channel.EMAIL


@transaction.atomic
def _respond_inline(
    *, message: Message, decision, script, record
) -> tuple[Message | None, CallbackRequest | None]:
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    case = Case.objects.select_for_update().get(pk=conversation.case_id)
    conversation.case = case
    message.conversation = conversation
    version = scripts.version_of(record, script)
    store_message_scan(case=case, message=message, decision=decision, scan="inline")
    if decision.text_crisis:
        handle_message_crisis(
            conversation=conversation, message=message, decision=decision, version=version,
            source="inline",
        )  # fmt: skip
        return None, None
    # Asked for a person: only once the crisis check above found nothing. A message
    # that is both a crisis and a request takes the crisis path alone (the page is the
    # faster person). The crisis model also flags some plain requests (tests in
    # tests/messaging/test_callbacks.py): those page the nurse, which errs toward safety.
    callback = None
    if detect_person_request(message.body) is not None:
        callback, _created = callbacks.callback_request_create(
            case=case,
            channel=preferred_channel(case.intake),
            source=CallbackRequest.Source.MESSAGE,
            message=message,
        )
    if conversation.assistant_silenced_at is not None:
        return None, callback  # with staff: only people reply from now on
    reply = assistant.choose_reply(message.body, medical_advice=bool(decision.advice_requests))
    if reply.needs_follow_up and case_flag_follow_up(case=case):
        # A MESSAGE event, not a NOTE: paging counts a note as a person acting on a page.
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.MESSAGE,
            summary="Patient asked for medical advice in a message: follow-up needed",
            data={"message": str(message.pk), "reply_text_id": reply.text_id},
        )
    text_id, body, version = _reply_body(
        case=case, message=message, reply=reply, callback=callback, script=script, version=version
    )
    reply_message = Message.objects.create(
        conversation=conversation,
        sender=Message.Sender.ASSISTANT,
        body=body,
        reply_text_id=text_id,
        script_version=version,
    )
    return reply_message, callback


def _reply_body(*, case: Case, message: Message, reply, callback, script, version: str):
    """(text id, text, script version) of the assistant's one reply to ``message``.

    A medical-advice decline always wins. Then a request for a person is answered with
    when someone will answer, and a question about hours, phone or address with the
    clinic's facts (in fixed sentences, no script version); without the fact, hours get
    the approved hours text and anything else the approved "cannot answer".
    """
    language = case.intake.language
    if reply.text_id != assistant.MEDICAL_ADVICE_DECLINE:
        if callback is not None:
            promise = callbacks.promise_for(callback, case.team)
            return callbacks.CALLBACK_TEXT_ID, callbacks.promise_reply(promise, language), ""
        question = fact_question(message.body)
        if question is not None:
            facts = clinic.facts_for(case.team)
            if clinic.has_fact(facts, question, language):
                text = clinic.answer(facts, question, language)
                return clinic.FACT_TEXT_IDS[question.kind], text, ""
            fallback = assistant.CLINIC_HOURS if question.kind == HOURS else assistant.CANNOT_ANSWER
            reply = assistant.Reply(fallback)
    text_id, body = scripts.reply_text(script, reply.text_id, language)
    return text_id, body, version


def _enqueue_scan(message_id: str) -> None:
    # Broker down: the message is stored; the beat sweep scans it.
    enqueue(tasks.scan_message_of_record, message_id)


def _enqueue_notice(notice_id: str) -> None:
    # Broker down: the notice is stored; the beat sweep sends it.
    enqueue(tasks.send_patient_notice, notice_id)


@transaction.atomic
def conversation_take_over(*, conversation: Conversation, user) -> Conversation:
    """A person takes the conversation: the assistant is silent from now on, for good."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=conversation.pk)
    )
    if conversation.taken_over_by_id is not None:
        return conversation
    now = timezone.now()
    conversation.taken_over_by = user
    conversation.taken_over_at = now
    fields = ["taken_over_by", "taken_over_at"]
    if conversation.assistant_silenced_at is None:
        conversation.assistant_silenced_at = now
        conversation.silenced_reason = Conversation.SilencedReason.TAKEOVER
        conversation.status = Conversation.Status.WITH_STAFF
        fields += ["assistant_silenced_at", "silenced_reason", "status"]
    conversation.save(update_fields=fields)
    CaseEvent.objects.create(
        case_id=conversation.case_id,
        kind=CaseEvent.Kind.MESSAGE,
        actor=user,
        summary="Conversation taken over by staff",
        data={"action": "take_over"},
    )
    record_access(
        actor=user,
        action=AccessEvent.Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=conversation.pk,
        patient_ref=conversation.case.reference,
        details={"take_over": True},
    )
    return conversation


# Shown to the patient as the author's role, most clinical first.
_ROLE_ORDER = (Role.CLINICIAN, Role.NURSE, Role.SUPERVISOR)


def staff_role(user) -> str:
    held = user_roles(user)
    return next((str(role) for role in _ROLE_ORDER if role in held), "")


@transaction.atomic
def message_post_from_staff(*, conversation: Conversation, user, body: str) -> Message:
    """A person replies; replying takes the conversation over. The patient is told."""
    body = _clean(body)
    conversation = conversation_take_over(conversation=conversation, user=user)
    message = Message.objects.create(
        conversation=conversation,
        sender=Message.Sender.STAFF,
        staff_sender=user,
        sender_name=(user.first_name or user.get_username())[:150],
        sender_role=staff_role(user),
        body=body,
    )
    CaseEvent.objects.create(
        case_id=conversation.case_id,
        kind=CaseEvent.Kind.MESSAGE,
        actor=user,
        summary="Reply to the patient",
        data={"message": str(message.pk), "sender": "staff"},
    )
    notice = notices.notice_queue(conversation=conversation, message=message)
    if notice is not None and notice.status == PatientNotice.Status.PENDING:
        notice_id = str(notice.pk)
        transaction.on_commit(lambda: _enqueue_notice(notice_id), robust=True)
    record_access(
        actor=user,
        action=AccessEvent.Action.CREATE,
        object_type="messaging.message",
        object_id=message.pk,
        patient_ref=conversation.case.reference,
        details={"conversation": str(conversation.pk)},
    )
    return message
