import json

import pytest
from django.core import mail

from messaging import notices, services, tasks
from messaging.models import PatientNotice
from tests.factories.cases import make_case, make_intake
from tests.factories.messaging import make_conversation

pytestmark = pytest.mark.django_db

SECRET_WORDS = "Your lab results look fine"


def reply(conversation, nurse, body=SECRET_WORDS):
    return services.message_post_from_staff(conversation=conversation, user=nurse, body=body)


def conversation_for(team, **intake_fields):
    intake_fields.setdefault("full_name", "Maria Lopez")
    return make_conversation(make_case(intake=make_intake(team=team, **intake_fields)))


def test_it_emails_only_the_sentence_and_the_generic_link(team, nurse, settings):
    settings.SITE_URL = "https://clinic.example"
    conversation = conversation_for(team, email="maria@example.org")
    reply(conversation, nurse)
    notice = PatientNotice.objects.get()
    assert notice.channel == "email"
    assert notices.notice_send(notice_id=notice.pk) == "sent"
    (email,) = mail.outbox
    assert email.to == ["maria@example.org"]
    assert email.subject == "You have a new message"
    assert "https://clinic.example/intake/status/" in email.body
    for secret in (SECRET_WORDS, "Maria", conversation.case.reference, "Ana"):
        assert secret not in email.body and secret not in email.subject


def test_it_writes_in_the_patients_language(team, nurse):
    conversation = conversation_for(team, email="m@example.org", language="es")
    reply(conversation, nurse)
    notices.notice_send(notice_id=PatientNotice.objects.get().pk)
    assert mail.outbox[0].subject == "Tiene un mensaje nuevo"


def test_it_sends_a_signed_sms_webhook_when_the_patient_prefers_texts(
    team, nurse, settings, monkeypatch
):
    settings.PATIENT_SMS_WEBHOOK_URL = "https://sms.example/hook"
    conversation = conversation_for(team, phone="+15550100", preferred_contact="text")
    reply(conversation, nurse)
    notice = PatientNotice.objects.get()
    assert notice.channel == "webhook"
    seen = []
    monkeypatch.setitem(notices.SEND, "webhook", seen.append)
    assert notices.notice_send(notice_id=notice.pk) == "sent"
    (message,) = seen
    assert message.address == "https://sms.example/hook"
    assert message.payload["to"] == "+15550100"
    body = json.dumps(message.payload)
    assert SECRET_WORDS not in body and "Maria" not in body
    assert message.payload["text"].startswith("You have a new message.")


def test_a_patient_with_no_address_is_skipped(team, nurse):
    conversation = conversation_for(team)
    reply(conversation, nurse)
    assert PatientNotice.objects.get().status == "skipped"


def test_one_pending_notice_covers_several_replies(team, nurse):
    conversation = conversation_for(team, email="m@example.org")
    reply(conversation, nurse)
    reply(conversation, nurse, "And one more thing")
    assert PatientNotice.objects.count() == 1


def test_a_reply_hands_its_notice_to_the_task_after_commit(
    team, nurse, monkeypatch, django_capture_on_commit_callbacks
):
    conversation = conversation_for(team, email="m@example.org")
    queued = []
    monkeypatch.setattr(
        tasks.send_patient_notice, "apply_async", lambda args, **kw: queued.append(args[0])
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply(conversation, nurse)
    assert queued == []  # nothing goes before the reply commits
    for callback in callbacks:
        callback()
    assert queued == [str(PatientNotice.objects.get().pk)]


def test_a_failed_send_is_retried_later_and_the_reply_is_kept(team, nurse, monkeypatch):
    from paging.channels import DeliveryError

    conversation = conversation_for(team, email="m@example.org")
    message = reply(conversation, nurse)

    def down(_message):
        raise DeliveryError("email: SMTPRecipientsRefused: m@example.org refused")

    monkeypatch.setitem(notices.SEND, "email", down)
    queued = []
    monkeypatch.setattr(
        tasks.send_patient_notice,
        "apply_async",
        lambda args, countdown=None, **kw: queued.append((args[0], countdown)),
    )
    notice = PatientNotice.objects.get()
    tasks.send_patient_notice(str(notice.pk))  # the task schedules its own retry
    notice.refresh_from_db()
    assert notice.status == "pending"
    assert notice.attempt == 1 and notice.next_try_at > notice.created_at
    assert "m@example.org" not in notice.error  # the address is PHI
    [(queued_id, countdown)] = queued
    assert queued_id == str(notice.pk) and 0 < countdown <= notices.backoff_seconds(1)
    assert message.__class__.objects.filter(pk=message.pk).exists()
    # Not due yet: a duplicate task claims nothing.
    assert notices.notice_send(notice_id=notice.pk) == "not-claimed"


def test_it_gives_up_after_the_last_attempt(team, nurse, monkeypatch):
    from paging.channels import DeliveryError

    conversation = conversation_for(team, email="m@example.org")
    reply(conversation, nurse)
    monkeypatch.setitem(notices.SEND, "email", lambda m: (_ for _ in ()).throw(DeliveryError("x")))
    notice = PatientNotice.objects.get()
    PatientNotice.objects.filter(pk=notice.pk).update(attempt=notices.MAX_ATTEMPTS - 1)
    assert notices.notice_send(notice_id=notice.pk) == "failed"


def test_a_withdrawn_patient_is_not_notified(team, nurse):
    conversation = conversation_for(team, email="m@example.org")
    reply(conversation, nurse)
    conversation.case.intake.__class__.objects.filter(pk=conversation.case.intake_id).update(
        status="withdrawn"
    )
    assert notices.notice_send(notice_id=PatientNotice.objects.get().pk) == "skipped"
    assert not mail.outbox


def test_the_sweep_hands_out_notices_a_lost_task_left(team, nurse):
    import datetime as dt

    from django.utils import timezone

    conversation = conversation_for(team, email="m@example.org")
    reply(conversation, nurse)
    notice = PatientNotice.objects.get()
    assert notices.notices_due() == []
    PatientNotice.objects.filter(pk=notice.pk).update(
        next_try_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert notices.notices_due() == [notice.pk]
