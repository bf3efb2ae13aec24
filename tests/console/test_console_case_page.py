"""The case page: PHI shown only here, every view audited, no IDOR, break the glass."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from cases import actions
from cases.models import BreakGlassAccess, CaseEvent
from tests.factories.accounts import login_verified
from tests.factories.cases import make_team
from tests.factories.console import CRISIS_PHRASE, make_triaged_case, signed_in, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("north")


def case_url(case):
    return reverse("console:case", args=[case.pk])


def test_it_shows_the_case_with_phi(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team, crisis=True)

    response = client.get(case_url(case))

    assert response.status_code == 200
    html = response.content.decode()
    for value in ("Dana Example", "+1 555 0100", "dana@example.org", "1990-04-02"):
        assert value in html
    assert case.reference in html
    assert "PHQ-9 total in the moderate band" in html and "default-1" in html  # rationale
    assert "phq9-moderate" not in html  # nurses read reasons, never rule ids
    assert "Little interest or pleasure in doing things" in html  # item by item
    assert "how difficult have these problems made it" in html  # the unscored question
    assert "Very difficult" in html  # ... and the patient's answer to it
    assert "moderately severe" in html or "moderate" in html  # band from the engine
    assert "Intake submitted" in html  # timeline
    assert "the automated scan misses many crisis messages written indirectly" in html


def test_the_matched_text_is_highlighted_and_escaped(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team, crisis=True)

    html = client.get(case_url(case)).content.decode()

    # The patient typed "<b>": escaped, never markup; the signal's span is in <mark>.
    assert "&lt;b&gt;" in html
    assert "<b>I want" not in html
    assert f"<mark>{CRISIS_PHRASE}</mark>" in html


def test_each_view_writes_exactly_one_view_event(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    before = AccessEvent.objects.count()

    client.get(case_url(case))
    client.get(case_url(case))

    events = list(AccessEvent.objects.order_by("sequence")[before:])
    assert [(e.action, e.outcome) for e in events] == [("view", "allowed"), ("view", "allowed")]
    assert {e.patient_ref for e in events} == {case.reference}
    assert {e.object_id for e in events} == {str(case.pk)}
    assert {e.actor_id for e in events} == {nurse.pk}


def test_another_teams_case_is_not_found_and_the_attempt_recorded(client, team):
    nurse = signed_in(client, Role.NURSE, team)
    other = make_triaged_case(make_team("south"))

    response = client.get(case_url(other))

    assert response.status_code == 404
    assert "Dana Example" not in response.content.decode()
    denied = AccessEvent.objects.get(action=AccessEvent.Action.DENIED)
    assert denied.outcome == AccessEvent.Outcome.DENIED
    assert denied.actor == nurse
    assert denied.object_id == str(other.pk)


def test_an_unknown_case_id_is_not_found(client, team):
    signed_in(client, Role.NURSE, team)

    response = client.get(reverse("console:case", args=["00000000-0000-0000-0000-000000000000"]))

    assert response.status_code == 404
    assert AccessEvent.objects.filter(action=AccessEvent.Action.DENIED).count() == 1


def test_a_clinician_is_offered_to_break_the_glass(client, team):
    signed_in(client, Role.CLINICIAN, team)
    other = make_triaged_case(make_team("south"))

    response = client.get(case_url(other))

    assert response.status_code == 302
    assert response["Location"] == reverse("console:break_glass", args=[other.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert other.reference in page.content.decode()
    assert "Dana Example" not in page.content.decode()


def test_breaking_the_glass_requires_a_reason(client, team):
    signed_in(client, Role.CLINICIAN, team)
    other = make_triaged_case(make_team("south"))

    response = client.post(reverse("console:break_glass", args=[other.pk]), {"reason": "  "})

    assert response.status_code == 400
    assert not BreakGlassAccess.objects.exists()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.BREAK_GLASS).exists()


def test_breaking_the_glass_is_recorded_and_opens_the_case(client, team):
    clinician = signed_in(client, Role.CLINICIAN, team)
    other = make_triaged_case(make_team("south"))

    response = client.post(
        reverse("console:break_glass", args=[other.pk]), {"reason": "ED called about this patient"}
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(other)
    grant = BreakGlassAccess.objects.get()
    assert (grant.user, grant.case_id, grant.reason) == (
        clinician,
        other.pk,
        "ED called about this patient",
    )
    event = AccessEvent.objects.get(action=AccessEvent.Action.BREAK_GLASS)
    assert event.reason == ""  # the reason may be PHI: only the grant keeps it, sealed
    assert event.details["break_glass_id"] == str(grant.pk)
    assert event.patient_ref == other.reference
    page = client.get(case_url(other))
    assert page.status_code == 200
    assert "You opened this case with emergency access." in page.content.decode()
    view = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).get()
    assert view.details == {"view": "case_page", "via": "break_glass"}


def test_a_nurse_cannot_break_the_glass(client, team):
    signed_in(client, Role.NURSE, team)
    other = make_triaged_case(make_team("south"))

    response = client.post(reverse("console:break_glass", args=[other.pk]), {"reason": "x"})

    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()
    assert AccessEvent.objects.filter(action=AccessEvent.Action.DENIED).count() == 1


def test_supervisors_see_who_accessed_the_record(client, team):
    supervisor = signed_in(client, Role.SUPERVISOR, team)
    case = make_triaged_case(team)
    nurse_client = client.__class__()
    nurse = staff(Role.NURSE, team)
    login_verified(nurse_client, nurse)
    nurse_client.get(case_url(case))

    html = client.get(case_url(case)).content.decode()

    assert "Who accessed this record" in html
    assert nurse.username in html and supervisor.username in html


def test_nurses_do_not_see_the_access_history(client, team):
    signed_in(client, Role.NURSE, team)

    html = client.get(case_url(make_triaged_case(team))).content.decode()

    assert "Who accessed this record" not in html


def _rich_case(team, extra_events: int):
    case = make_triaged_case(team, crisis=True)
    worker = staff(Role.CLINICIAN, team)
    for n in range(extra_events):
        actions.case_add_note(case=case, user=worker, text=f"note {n}")
    actions.case_override_request(case=case, user=worker, to_acuity="routine", reason="r")
    return case


def test_the_case_page_runs_a_constant_number_of_queries(client, team, django_assert_num_queries):
    signed_in(client, Role.SUPERVISOR, team)
    small, large = _rich_case(team, 1), _rich_case(team, 30)
    client.get(case_url(small))  # warm caches (content types, sessions)
    client.get(case_url(large))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(case_url(small))
    assert CaseEvent.objects.filter(case=large).count() > 30
    with django_assert_num_queries(len(first)):
        response = client.get(case_url(large))
    assert response.status_code == 200


def test_it_shows_the_crisis_model_reading_in_words_and_marks_its_phrases(client, team):
    from intake.submission import case_open_from_intake
    from tests.factories.cases import make_intake

    signed_in(client, Role.NURSE, team)
    text = "I keep planning how I would do it. I know the date."
    case = case_open_from_intake(intake=make_intake(team=team, reason=text)).case

    html = client.get(case_url(case)).content.decode()

    assert "Crisis model on the Intake free text: high concern" in html
    assert "It asks for a nurse at" in html
    assert "<mark>" in html and "model.concern" not in html


# ---- crisis messages in the patient's words (issue 15) --------------------------------------

CRISIS_MESSAGE = "Sorry <i>again</i>. I want to kill myself tonight"


def _reason_section(html: str) -> str:
    start = html.index('id="reason-title"')
    return html[start : html.index("</section>", start)]


def _post(case, body):
    from messaging.services import message_post_from_patient

    return message_post_from_patient(case=case, body=body).message


def test_a_crisis_message_is_shown_in_the_patients_words_with_its_signals_marked(client, team):
    from cases.models import CrisisSignal

    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    _post(case, "What are your opening hours?")
    message = _post(case, CRISIS_MESSAGE)
    spans = CrisisSignal.objects.filter(
        source=CrisisSignal.Source.MESSAGE, source_id=str(message.pk), span_start__isnull=False
    ).values_list("span_start", "span_end")
    assert spans

    section = _reason_section(client.get(case_url(case)).content.decode())

    assert "Feeling low for weeks" in section  # the intake's words are still there
    assert f'id="crisis-message-{message.pk}"' in section
    assert "&lt;i&gt;" in section and "<i>" not in section  # escaped, never markup
    # Lexicon and model spans overlap and are merged: each span's words sit inside a mark.
    marked = re.findall(r"<mark>(.*?)</mark>", section, flags=re.S)
    for start, end in spans:
        assert any(CRISIS_MESSAGE[start:end] in m for m in marked), CRISIS_MESSAGE[start:end]
    assert "opening hours" not in section  # only the messages that raised a signal


def test_a_case_without_free_text_still_shows_its_crisis_message(client, team):
    from tests.factories.cases import make_case, make_intake

    signed_in(client, Role.NURSE, team)
    case = make_case(team=team, intake=make_intake(team=team, reason=""))
    _post(case, CRISIS_MESSAGE)

    section = _reason_section(client.get(case_url(case)).content.decode())

    assert "kill myself" in section
    assert "No free text." not in section


def test_the_view_event_names_the_crisis_messages_shown(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    message = _post(case, CRISIS_MESSAGE)
    before = AccessEvent.objects.count()

    client.get(case_url(case))

    (view,) = AccessEvent.objects.order_by("sequence")[before:]
    assert view.action == AccessEvent.Action.VIEW
    assert view.details == {"view": "case_page", "messages": [str(message.pk)]}


def test_crisis_messages_keep_the_query_count_constant(client, team, django_assert_num_queries):
    signed_in(client, Role.NURSE, team)
    one, many = make_triaged_case(team), make_triaged_case(team)
    _post(one, CRISIS_MESSAGE)
    for n in range(4):
        _post(many, f"{CRISIS_MESSAGE} ({n})")
    client.get(case_url(one))  # warm caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(case_url(one))
    with django_assert_num_queries(len(first)):
        html = client.get(case_url(many)).content.decode()
    assert html.count('id="crisis-message-') == 4
