"""Case action views: POST only, CSRF, a message each, no IDOR, htmx-friendly."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from cases import actions
from cases.models import AcuityOverride, Case, CaseEvent, CrisisSignal
from tests.factories.accounts import login_verified
from tests.factories.cases import make_team
from tests.factories.console import make_triaged_case, signed_in, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("north")


def url(name, case, *extra):
    return reverse(f"console:{name}", args=[case.pk, *extra])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_claim_redirects_to_the_case_with_a_message(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_claim", case))

    assert response.status_code == 303
    assert response["Location"] == url("case", case)
    assert messages_of(response) == [f"You claimed case {case.reference}."]
    assert Case.objects.get(pk=case.pk).claimed_by == nurse


def test_the_loser_of_a_claim_is_told(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=staff(Role.NURSE, team, first_name="Kim", last_name="Lee"))

    response = client.post(url("case_claim", case), follow=True)

    assert f"Case {case.reference} was just claimed by Kim Lee." in response.content.decode()


def test_claim_from_the_queue_goes_where_next_says(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_claim", case), {"next": reverse("console:home")})

    assert response["Location"] == reverse("console:home")


def test_an_offsite_next_is_ignored(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_claim", case), {"next": "https://evil.example/"})

    assert response["Location"] == url("case", case)


def test_htmx_gets_a_full_page_redirect(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_claim", case), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == url("case", case)


@pytest.mark.parametrize(
    "name", ["case_claim", "case_release", "case_note", "case_contact", "case_dispose"]
)
def test_actions_refuse_get(client, team, name):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    assert client.get(url(name, case)).status_code == 405
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_actions_need_the_csrf_token(team):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, staff(Role.NURSE, team))
    case = make_triaged_case(team)

    assert client.post(url("case_claim", case)).status_code == 403
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("case_claim", {}),
        ("case_note", {"text": "x"}),
        ("case_contact", {"method": "phone", "outcome": "reached"}),
        ("case_override", {"to_acuity": "emergent", "reason": "x"}),
        ("case_missed_signal", {"category": "suicide", "note": "x"}),
        ("case_dispose", {"disposition": "closed"}),
    ],
)
def test_another_teams_case_is_not_found_and_unchanged(client, team, name, data):
    signed_in(client, Role.CLINICIAN, team)
    other = make_triaged_case(make_team("south"))

    response = client.post(url(name, other), data)

    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.status, other.acuity, other.crisis) == (Case.Status.OPEN, "urgent", False)
    assert not CaseEvent.objects.filter(case=other, actor__isnull=False).exists()
    assert AccessEvent.objects.filter(action="denied", object_id=str(other.pk)).count() == 1


def test_release(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=nurse)

    response = client.post(url("case_release", case))

    assert messages_of(response) == [f"Case {case.reference} is back in the queue."]
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_note(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_note", case), {"text": "Will call back at 9"})

    assert messages_of(response) == ["Note saved."]
    assert CaseEvent.objects.get(case=case, kind="note").body == "Will call back at 9"


def test_an_invalid_form_saves_nothing_and_says_why(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_override", case), {"to_acuity": "emergent", "reason": ""})

    (message,) = messages_of(response)
    assert message.startswith("Nothing was saved.")
    assert "Reason" in message
    assert not AcuityOverride.objects.exists()


def test_contact_attempt(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(
        url("case_contact", case), {"method": "text", "outcome": "message_sent", "note": ""}
    )

    assert messages_of(response) == ["Contact attempt recorded."]
    assert Case.objects.get(pk=case.pk).last_contact_attempt_at is not None


def test_override_raise_and_pending_lower(client, team):
    signed_in(client, Role.CLINICIAN, team)
    case = make_triaged_case(team, acuity="urgent")

    raised = client.post(url("case_override", case), {"to_acuity": "emergent", "reason": "worse"})
    client.get(raised["Location"])  # shows (and so consumes) the first message
    lowered = client.post(url("case_override", case), {"to_acuity": "soon", "reason": "better"})

    assert messages_of(raised) == ["Acuity changed to Emergent."]
    assert messages_of(lowered) == [
        "Override requested. A second clinician must confirm it before it applies."
    ]
    assert Case.objects.get(pk=case.pk).acuity == "emergent"


def test_the_confirmer_is_told_the_override_also_clears_the_crisis_flag(client, team):
    case = make_triaged_case(team, acuity="soon", crisis=True)
    actions.case_override_request(
        case=case, user=staff(Role.CLINICIAN, team), to_acuity="soon", reason="a song lyric",
        clear_crisis=True,
    )  # fmt: skip
    signed_in(client, Role.CLINICIAN, team)

    page = client.get(url("case", case)).content.decode()

    assert "and to clear the crisis flag." in page
    assert "(and clear the crisis flag)" in page


def test_a_second_clinician_confirms_on_the_case_page(client, team):
    requester = staff(Role.CLINICIAN, team)
    case = make_triaged_case(team, acuity="emergent")
    pending = actions.case_override_request(
        case=case, user=requester, to_acuity="soon", reason="seen in clinic"
    )
    signed_in(client, Role.CLINICIAN, team)
    page = client.get(url("case", case)).content.decode()
    assert "Confirm override" in page

    response = client.post(url("case_override_decide", case, pending.pk), {"decision": "confirm"})

    assert messages_of(response) == ["Override confirmed and applied."]
    assert Case.objects.get(pk=case.pk).acuity == "soon"


def test_the_requester_is_not_offered_to_confirm(client, team):
    requester = signed_in(client, Role.CLINICIAN, team)
    case = make_triaged_case(team, acuity="emergent")
    pending = actions.case_override_request(case=case, user=requester, to_acuity="soon", reason="r")

    page = client.get(url("case", case)).content.decode()
    response = client.post(url("case_override_decide", case, pending.pk), {"decision": "confirm"})

    assert "Confirm override" not in page
    assert messages_of(response) == ["A different clinician must confirm your own override."]
    assert Case.objects.get(pk=case.pk).acuity == "emergent"


def test_signal_review_and_missed_signal(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team, crisis=True)
    signal = case.signals.get()

    client.post(url("case_signal_review", case, signal.pk), {"review": "true_positive"})
    client.post(url("case_missed_signal", case), {"category": "self_harm", "note": "cuts"})

    assert CrisisSignal.objects.get(pk=signal.pk).review == "true_positive"
    assert CrisisSignal.objects.filter(case=case, source="staff").count() == 1


def test_a_signal_of_another_case_is_not_found(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    elsewhere = make_triaged_case(make_team("south"), crisis=True)

    response = client.post(
        url("case_signal_review", case, elsewhere.signals.get().pk), {"review": "false_positive"}
    )

    assert response.status_code == 404
    assert elsewhere.signals.get().review == "unreviewed"


def test_disposition_closes_the_case(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(
        url("case_dispose", case), {"disposition": "referred_out", "note": "to county"}
    )

    assert messages_of(response) == [f"Case {case.reference} is closed."]
    case.refresh_from_db()
    assert (case.status, case.disposition) == ("closed", "referred_out")


def test_acknowledging_the_page_of_a_case(client, team):
    from paging.models import Page
    from paging.services import page_raise
    from tests.factories.paging import make_crisis_case

    nurse = signed_in(client, Role.NURSE, team)
    case, signals = make_crisis_case(team=team)
    page = page_raise(case=case, signals=signals)

    response = client.post(url("case_page_ack", case, page.pk))

    assert messages_of(response) == ["Page acknowledged. Escalation is paused."]
    page = Page.objects.get(pk=page.pk)
    assert (page.status, page.acknowledged_by) == ("acknowledged", nurse)
