"""Sending the intake: triage, case, reference, status link; crisis and non-crisis paths."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from cases.models import Case
from intake import hours, tokens
from intake.models import Intake
from intake.views import DRAFT_KEY
from tests.factories.intake import (  # noqa: F401 - intake_env is a fixture
    PHI,
    fill_draft,
    intake_env,
    post,
    step_url,
    submit,
)

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("intake_env")]

NY = ZoneInfo("America/New_York")


def test_a_non_crisis_intake_gets_a_reference_and_a_status_link(
    client, django_capture_on_commit_callbacks
):
    fill_draft(client)

    with django_capture_on_commit_callbacks():
        response = submit(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:sent")
    intake = Intake.objects.get()
    case = Case.objects.get(intake=intake)
    assert intake.status == Intake.Status.SUBMITTED
    assert intake.submitted_at is not None
    assert not case.crisis
    page = client.get(reverse("intake:sent"))
    html = page.content.decode()
    assert case.reference in html
    token = re.search(r"/intake/status/([\w-]{43})/", html).group(1)
    assert tokens.lookup(token)[0] == intake
    assert "no-store" in page["Cache-Control"]
    assert "What happens next" in html
    assert "988" in html  # crisis lines stay on the confirmation
    assert DRAFT_KEY not in client.session


def test_a_crisis_answer_leads_straight_to_the_crisis_page(
    client, django_capture_on_commit_callbacks
):
    fill_draft(client, crisis=True)

    with django_capture_on_commit_callbacks():
        response = submit(client)

    assert response["Location"] == reverse("intake:crisis")
    case = Case.objects.get()
    assert case.crisis
    html = client.get(reverse("intake:crisis")).content.decode()
    assert "Please reach a person now" in html
    assert "Call or text 988" in html
    assert "Call 911" in html
    assert "741741" in html
    assert "has been alerted" in html
    assert case.reference in html
    # The confirmation page does not hide the crisis page.
    assert client.get(reverse("intake:sent"))["Location"] == reverse("intake:crisis")


def test_the_crisis_page_is_in_spanish_for_a_spanish_intake(
    client, django_capture_on_commit_callbacks
):
    fill_draft(client, crisis=True, language="es")
    with django_capture_on_commit_callbacks():
        submit(client)

    html = client.get(reverse("intake:crisis")).content.decode()

    assert "988" in html and "911" in html and "741741" in html
    assert "comuníquese con una persona ahora" in html.lower()
    assert Intake.objects.get().language == "es"


def test_an_incomplete_draft_is_sent_back_to_the_missing_page(client):
    fill_draft(client)
    intake = Intake.objects.get()
    intake.reason = ""
    intake.save(update_fields=["reason"])

    response = submit(client)

    assert response["Location"] == step_url("reason")
    assert not Case.objects.exists()


def test_raw_rows_hold_none_of_the_submitted_phi(client, django_capture_on_commit_callbacks):
    fill_draft(client, crisis=True)
    with django_capture_on_commit_callbacks():
        submit(client)

    with connection.cursor() as cursor:
        dump = []
        for table in ("triage_intake", "triage_case", "triage_triageresult", "triage_crisissignal",
                      "triage_caseevent", "triage_consent", "django_session"):  # fmt: skip
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            dump.append(repr(cursor.fetchall()))
    dump = "\n".join(dump)
    for value in (*PHI.values(), "Marisol", "0142", "overwhelmed", "1987-04-12"):
        assert value not in dump, value
    assert Intake.objects.get().full_name == PHI["full_name"]


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (dt.datetime(2026, 11, 24, 10, 0, tzinfo=NY), None),  # Tuesday, open
        (dt.datetime(2026, 11, 24, 19, 0, tzinfo=NY), dt.datetime(2026, 11, 25, 8, 0, tzinfo=NY)),
        (dt.datetime(2026, 11, 27, 18, 30, tzinfo=NY), dt.datetime(2026, 11, 30, 8, 0, tzinfo=NY)),
        (dt.datetime(2026, 11, 28, 12, 0, tzinfo=NY), dt.datetime(2026, 11, 30, 8, 0, tzinfo=NY)),
    ],
)
def test_next_opening_follows_clinic_hours(local, expected):
    assert hours.next_opening(local) == expected


def test_out_of_hours_confirmation_says_when_someone_will_look(
    client, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2026, 11, 28, 12, 0, tzinfo=NY), tick=False):
        fill_draft(client)
        with django_capture_on_commit_callbacks():
            submit(client)
        html = client.get(reverse("intake:sent")).content.decode()

    assert "The clinic is closed right now" in html
    assert "Monday, November 30, 2026, 8:00 AM" in html


def test_in_hours_confirmation_says_the_clinic_is_open(client, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=NY), tick=False):
        fill_draft(client)
        with django_capture_on_commit_callbacks():
            submit(client)
        html = client.get(reverse("intake:sent")).content.decode()

    assert "The clinic is open now" in html


def test_a_sent_intake_cannot_be_sent_or_changed_again(client, django_capture_on_commit_callbacks):
    fill_draft(client)
    with django_capture_on_commit_callbacks():
        submit(client)

    again = post(client, step_url("contact"), {"full_name": "Someone Else"})

    assert again["Location"] == reverse("intake:consent")
    assert Intake.objects.get().full_name == PHI["full_name"]
    assert Case.objects.count() == 1


def test_clinic_hours_are_read_in_the_team_time_zone(client, django_capture_on_commit_callbacks):
    from accounts.models import Team

    Team.objects.filter(slug="north").update(time_zone="America/Los_Angeles")
    # 10:00 in New York is 07:00 in Los Angeles: the clinic there opens at 08:00.
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=NY), tick=False):
        fill_draft(client)
        with django_capture_on_commit_callbacks():
            submit(client)
        html = client.get(reverse("intake:sent")).content.decode()

    assert "The clinic is closed right now" in html
    assert "Tuesday, November 24, 2026, 8:00 AM" in html
