"""Patient pages agree with each other: promised times with clinic hours, one way to
write a date per language, and no invitation to write on a closed request."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case
from intake import hours, tokens
from intake.templatetags.patient_dates import patient_datetime
from messaging.models import Message
from messaging.services import conversation_for_case
from tests.factories.cases import make_case, make_intake
from tests.factories.intake import PHI, fill_draft, intake_env, submit  # noqa: F401
from tests.factories.messaging import make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env")]

NY = ZoneInfo("America/New_York")
WEEKDAYS = {day: ["08:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
DAY = 24 * 60


@pytest.mark.parametrize(
    ("due", "promised"),
    [
        # Tuesday 10:00, the clinic is open: promised as it is.
        (dt.datetime(2026, 11, 24, 10, 0, tzinfo=NY), dt.datetime(2026, 11, 24, 10, 0, tzinfo=NY)),
        # Sunday noon: nobody reads it before Monday, so by Monday's close.
        (dt.datetime(2026, 11, 29, 12, 0, tzinfo=NY), dt.datetime(2026, 11, 30, 18, 0, tzinfo=NY)),
        # Friday 19:00, after closing: Monday's close, not Friday's.
        (dt.datetime(2026, 11, 27, 19, 0, tzinfo=NY), dt.datetime(2026, 11, 30, 18, 0, tzinfo=NY)),
        # Wednesday 07:00, before opening: that day's close.
        (dt.datetime(2026, 11, 25, 7, 0, tzinfo=NY), dt.datetime(2026, 11, 25, 18, 0, tzinfo=NY)),
    ],
)
def test_a_promise_never_falls_while_the_clinic_is_closed(due, promised):
    assert hours.contact_by(due, WEEKDAYS, "America/New_York") == promised


def test_with_no_clinic_hours_the_target_is_promised_as_it_is():
    due = dt.datetime(2026, 11, 29, 12, 0, tzinfo=NY)

    assert hours.contact_by(due, {}, "America/New_York") == due


def test_sent_on_saturday_the_page_never_promises_sunday_beside_reading_on_monday(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_HOURS = WEEKDAYS
    settings.RESPONSE_TARGET_MINUTES = dict.fromkeys(settings.RESPONSE_TARGET_MINUTES, DAY)
    with time_machine.travel(dt.datetime(2026, 11, 28, 12, 0, tzinfo=NY), tick=False):
        fill_draft(client)
        with django_capture_on_commit_callbacks():
            submit(client)
        html = client.get(reverse("intake:sent")).content.decode()

    assert "when the clinic opens, on Monday, November 30, 2026, 8:00 AM" in html
    assert "We aim to contact you by Monday, November 30, 2026, 6:00 PM at the latest" in html
    assert "Sunday" not in html


def test_sent_in_hours_the_target_is_promised_as_it_is(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_HOURS = WEEKDAYS
    settings.RESPONSE_TARGET_MINUTES = dict.fromkeys(settings.RESPONSE_TARGET_MINUTES, 60)
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=NY), tick=False):
        fill_draft(client)
        with django_capture_on_commit_callbacks():
            submit(client)
        html = client.get(reverse("intake:sent")).content.decode()

    assert "The clinic is open now" in html
    assert "We aim to contact you by Tuesday, November 24, 2026, 11:00 AM at the latest" in html


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Tuesday, November 24, 2026, 10:05 AM"),
        ("es", "martes 24 de noviembre de 2026, 10:05"),
    ],
)
def test_the_status_page_and_the_messages_write_dates_the_same_way(client, language, written):
    at = dt.datetime(2026, 11, 24, 10, 5, tzinfo=NY)
    intake = make_intake(submitted_at=at, language=language)
    token = tokens.issue(intake)
    intake.save()
    case = make_case(intake=intake)
    make_message(conversation_for_case(case=case), Message.Sender.PATIENT, created_at=at)
    Message.objects.update(created_at=at)
    client.cookies["django_language"] = language

    status_html = client.get(reverse("intake:status", args=[token])).content.decode()
    thread_html = client.get(
        reverse("intake:messaging_conversation", args=[token])
    ).content.decode()

    assert written in status_html
    assert written in thread_html
    with translation.override(language):
        assert patient_datetime(at, "America/New_York") == written


def _closed_case_status_page(client, disposition: str) -> str:
    intake = make_intake(submitted_at=timezone.now())
    token = tokens.issue(intake)
    intake.save()
    make_case(
        intake=intake,
        status=Case.Status.CLOSED,
        disposition=disposition,
        closed_at=timezone.now(),
    )
    return client.get(reverse("intake:status", args=[token])).content.decode()


def test_a_case_closed_as_emergency_services_contacted_does_not_invite_writing(client):
    html = _closed_case_status_page(client, Case.Disposition.EMERGENCY_SERVICES)

    assert "Emergency services contacted" in html
    assert "while you wait" not in html
    assert "The clinic contacted emergency services about your request" in html
    assert "cannot send new messages here" in html


def test_an_open_request_still_invites_the_patient_to_write(client):
    intake = make_intake(submitted_at=timezone.now(), full_name=PHI["full_name"])
    token = tokens.issue(intake)
    intake.save()
    make_case(intake=intake)

    html = client.get(reverse("intake:status", args=[token])).content.decode()

    assert "Write to the clinic, or read their replies, while you wait." in html
    assert "emergency services" not in html
