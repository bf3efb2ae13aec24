"""No PHI in logs, error pages, URLs or notification texts.

Known, distinctive PHI goes in through the real views (an intake with a crisis, a
patient message), the on-call nurse is paged through the real channel code (Django's
locmem e-mail backend and a local webhook receiver that checks signatures), a nurse
signs in with password and TOTP and opens the case, the clinic replies and the patient
is told by SMS webhook, and a 500 and 404s are forced. Every log record (all loggers,
DEBUG), every e-mail, every webhook body, every URL requested or redirected to, every
error page and the audit and notification rows are then searched for the PHI.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AccessEvent
from cases.models import Case
from intake import views as intake_views
from messaging.models import PatientNotice
from messaging.notices import notice_send
from paging.models import Notification, Page
from paging.services import page_advance
from paging.services.notify import notification_send
from tests.factories.accounts import STAFF_PASSWORD, confirmed_totp_device, current_totp
from tests.factories.intake import intake_env, post, step_url  # noqa: F401 - fixture
from tests.factories.paging import make_oncall_team, make_webhook
from tests.paging.receivers import WebhookReceiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]

SECRET = "test-webhook-secret"
NAME = "Zephyrine Okonkwo-Lindqvist"
PHONE = "555-013-7789"
EMAIL = "zephyrine.ol@example.net"
BIRTH = "1979-11-03"
REASON = "Since the Quillfeather ferry accident I cannot sleep and I want to end my life"
MESSAGE = "My neighbour Brackenridge keeps my medication, can someone call me after six?"
# Every string that must never leave the PHI fields (the parts too: a log could cut).
NEEDLES = [
    NAME,
    "Zephyrine",
    "Okonkwo",
    "Lindqvist",
    PHONE,
    "5550137789",
    "013-7789",
    EMAIL,
    "zephyrine.ol",
    BIRTH,
    "Quillfeather",
    "ferry accident",
    "Brackenridge",
    "medication, can someone",
]


def assert_no_phi(where: str, text: str) -> None:
    text = str(text)
    variants = {text, unquote_plus(text)}
    for variant in variants:
        for needle in NEEDLES:
            assert needle.lower() not in variant.lower(), f"PHI {needle!r} found in {where}"


class RecordingClient(Client):
    """The test client, remembering every URL requested and every redirect target."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, raise_request_exception=False, **kwargs)
        self.urls: list[str] = []
        self.error_pages: list[tuple[str, int, str]] = []

    def request(self, **request):
        url = request.get("PATH_INFO", "") + "?" + request.get("QUERY_STRING", "")
        self.urls.append(url)
        response = super().request(**request)
        if response.has_header("Location"):
            self.urls.append(response["Location"])
        if response.status_code >= 400 and not getattr(response, "streaming", False):
            self.error_pages.append((url, response.status_code, response.content.decode()))
        return response


@pytest.fixture
def all_logs(caplog):
    """Every record of every logger at DEBUG, including loggers that do not propagate."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    previous = []
    for logger in loggers:
        if isinstance(logger, logging.Logger):
            previous.append((logger, logger.level, logger.propagate))
            logger.setLevel(logging.DEBUG)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
    yield caplog
    for logger, level, _propagate in previous:
        logger.setLevel(level)
        if caplog.handler in logger.handlers:
            logger.removeHandler(caplog.handler)


@pytest.fixture
def receiver(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://console.example"
    settings.PAGING_FALLBACK_EMAILS = []
    settings.PAGING_WEBHOOK_SECRET = SECRET
    settings.PAGING_WEBHOOK_TIMEOUT = 2.0
    settings.INTAKE_RATE_LIMIT_POSTS = 10_000
    with WebhookReceiver(SECRET) as hook:
        settings.PATIENT_SMS_WEBHOOK_URL = hook.url
        yield hook


def _patient_sends_a_crisis_intake(client: RecordingClient) -> tuple[Case, str]:
    client.get(reverse("intake:start"))
    consent = client.get(reverse("intake:consent")).content.decode()
    document = re.search(r'name="document" value="(\d+)"', consent).group(1)
    answers = [
        (reverse("intake:consent"), {"document": document, "agree": "on"}),
        (
            step_url("contact"),
            {
                "full_name": NAME,
                "date_of_birth": BIRTH,
                "phone": PHONE,
                "email": EMAIL,
                "preferred_contact": "text",
                "voicemail_ok": "no",
            },
        ),
        (step_url("reason"), {"reason": REASON}),
        (step_url("phq9"), {f"q{n}": "1" for n in range(1, 9)} | {"q9": "3"}),
        (step_url("gad7"), {f"q{n}": "2" for n in range(1, 8)}),
        (step_url("asq"), {"q1": "yes", "q2": "yes", "q3": "no", "q4": "no"}),
        (step_url("asq_now"), {"q5": "yes"}),
        (step_url("demographics"), {"age_band": "45_54", "gender": "woman"}),
    ]
    for url, data in answers:
        response = post(client, url, data)
        assert response.status_code == 302, (url, response.content.decode()[:1500])
        client.get(response["Location"])
    response = post(client, step_url("review"))
    assert response["Location"] == reverse("intake:crisis")
    page = client.get(reverse("intake:crisis")).content.decode()
    token = re.search(r"/intake/status/([A-Za-z0-9_\-]+)/", page).group(1)
    return Case.objects.select_related("intake").get(), token


def _sign_in(client: RecordingClient, user: User) -> None:
    device = confirmed_totp_device(user)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    response = client.post(response["Location"], {"token": current_totp(device)})
    assert response.status_code == 302, response.content.decode()[:1500]


def test_phi_never_reaches_logs_urls_error_pages_or_notifications(all_logs, receiver):
    team, nurse, _backup, _supervisor = make_oncall_team("north")
    make_webhook(receiver.url, team=team)
    patient = RecordingClient()

    # The patient: intake with a crisis, then a message through the status link.
    case, token = _patient_sends_a_crisis_intake(patient)
    conversation_url = reverse("intake:messaging_conversation", args=[token])
    patient.get(reverse("intake:status", args=[token]))
    response = patient.post(conversation_url, {"body": MESSAGE})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()  # the patient sees their own message

    # Paging through the real channels: e-mail (locmem), webhook, console alert.
    page = Page.objects.get(case=case)
    page_advance(page_id=page.pk)
    notifications = list(Notification.objects.filter(page=page))
    assert {n.channel for n in notifications} >= {"email", "webhook", "console"}
    for notification in notifications:
        assert notification_send(notification_id=notification.pk) == "sent"

    # The nurse signs in (password + TOTP), works the queue, opens the case, replies.
    staff = RecordingClient()
    _sign_in(staff, nurse)
    staff.get(reverse("console:home"))
    staff.get(reverse("console:queue_rows"), HTTP_X_BACKGROUND_POLL="1")
    case_page = staff.get(reverse("console:case", args=[case.pk]))
    assert case_page.status_code == 200
    assert NAME in case_page.content.decode()  # shown to the nurse, and audited
    staff.get(reverse("console:messaging_conversation", args=[case.pk]))
    staff.post(reverse("console:messaging_take_over", args=[case.pk]))
    reply = staff.post(
        reverse("console:messaging_reply", args=[case.pk]),
        {"body": "We will call you this evening."},
    )
    assert reply.status_code in (200, 302, 303)
    notice = PatientNotice.objects.get()
    assert notice.channel == "webhook"
    assert notice_send(notice_id=notice.pk) == "sent"

    # Errors: a 404 for the patient and for the nurse, a broken link, and a forced 500
    # while the patient posts PHI (the database "goes away" mid-request).
    patient.get("/intake/no-such-page/")
    patient.get(reverse("intake:status", args=["not-a-valid-token"]))
    staff.get(reverse("console:case", args=["00000000-0000-0000-0000-000000000000"]))
    broken = RecordingClient()
    post(broken, reverse("intake:consent"), {"document": "1", "agree": "on"})
    original = intake_views._draft
    intake_views._draft = lambda request: (_ for _ in ()).throw(
        OperationalError("server closed the connection unexpectedly")
    )
    try:
        crash = post(broken, step_url("contact"), {"full_name": NAME, "phone": PHONE})
    finally:
        intake_views._draft = original
    assert crash.status_code == 500
    assert "Please try again" in crash.content.decode()

    # What left the system, or could be read by someone who should not see PHI:
    assert len(mail.outbox) >= 1
    for message in mail.outbox:
        headers = {k: v for k, v in message.extra_headers.items() if k.lower() != "to"}
        assert_no_phi("an e-mail subject", message.subject)
        assert_no_phi("an e-mail body", message.body)
        assert_no_phi("e-mail headers", headers)
    assert len(receiver.requests) >= 2
    for request in receiver.requests:
        body = dict(request["body"])
        if body.get("type") == "patient_message":
            # The SMS gateway needs the number to send to; it is the only PHI it gets.
            assert body.pop("to") == PHONE
        assert_no_phi("a webhook body", body)
        assert_no_phi("webhook headers", request["headers"])
    for url in patient.urls + staff.urls + broken.urls:
        assert_no_phi(f"the URL {url}", url)
    error_pages = patient.error_pages + staff.error_pages + broken.error_pages
    assert {status for _url, status, _html in error_pages} >= {404, 500}
    for url, status, html in error_pages:
        assert "Traceback" not in html
        assert_no_phi(f"the {status} page of {url}", html)
    for record in all_logs.records:
        assert_no_phi(f"the log record {record.name}", record.getMessage())
    assert_no_phi("the formatted logs", all_logs.text)
    assert any(r.name == "django.request" for r in all_logs.records)  # the 500 was logged
    for n in Notification.objects.all():
        assert_no_phi("a notification row", [n.address, n.detail, n.error, n.attempt_key])
    events = list(AccessEvent.objects.all())
    assert events
    for event in events:
        fields = [event.patient_ref, event.reason, event.details, event.path, event.object_id]
        assert_no_phi("an audit event", fields)
