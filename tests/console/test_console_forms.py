"""Case forms (issue 17): no pre-selected answer, a clear error, nothing typed is lost."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from cases import actions
from cases.models import Case, CaseEvent
from console.forms import ContactAttemptForm, DispositionForm
from tests.factories.cases import make_team
from tests.factories.console import make_triaged_case, signed_in, staff


@pytest.fixture
def team(db):
    return make_team("north")


def url(name, case):
    return reverse(f"console:{name}", args=[case.pk])


def selected_options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, flags=re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


@pytest.mark.parametrize(
    ("form_class", "field"), [(DispositionForm, "disposition"), (ContactAttemptForm, "outcome")]
)
def test_the_answer_is_not_chosen_for_the_nurse(form_class, field):
    html = str(form_class()[field])

    assert selected_options(html, field) == [""]
    assert '<option value="" selected>Choose…</option>' in html
    assert " required" in html


@pytest.mark.parametrize(
    ("form_class", "data", "field", "message"),
    [
        (
            DispositionForm,
            {"note": "x"},
            "disposition",
            "Choose a disposition: how this case ends.",
        ),
        (
            ContactAttemptForm,
            {"method": "phone", "note": "x"},
            "outcome",
            "Choose the outcome of this attempt.",
        ),
    ],
)
def test_an_unchosen_answer_is_refused_with_a_clear_message(form_class, data, field, message):
    form = form_class(data)

    assert not form.is_valid()
    assert form.errors == {field: [message]}


@pytest.mark.django_db
def test_a_disposition_without_a_choice_saves_nothing_and_keeps_the_note(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    before = AccessEvent.objects.count()

    response = client.post(
        url("case_dispose", case), {"disposition": "", "note": "Called twice, <no answer>"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved. Disposition: Choose a disposition: how this case ends." in html
    # The error sits next to the field, linked to it, and the field is focused.
    assert 'id="disposition_disposition_error"' in html
    select = re.search(r'<select name="disposition".*?>', html).group(0)
    assert 'aria-invalid="true"' in select and "autofocus" in select
    # What was typed is back in the box (escaped).
    assert "Called twice, &lt;no answer&gt;</textarea>" in html
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN
    assert not CaseEvent.objects.filter(case=case, kind="disposition").exists()
    # The page shows PHI again: one view event, as for any view of the case.
    (event,) = AccessEvent.objects.order_by("sequence")[before:]
    assert (event.action, event.patient_ref) == ("view", case.reference)


@pytest.mark.django_db
def test_a_contact_attempt_without_an_outcome_keeps_the_method_and_the_note(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(
        url("case_contact", case), {"method": "text", "outcome": "", "note": "Sent at 3:10"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the outcome of this attempt." in html
    assert selected_options(html, "method") == ["text"]
    assert selected_options(html, "outcome") == [""]
    assert "Sent at 3:10</textarea>" in html
    assert Case.objects.get(pk=case.pk).last_contact_attempt_at is None


@pytest.mark.django_db
def test_a_refused_disposition_keeps_what_was_typed(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)
    actions.case_claim(case=case, user=staff(Role.NURSE, team, first_name="Kim"))

    response = client.post(
        url("case_dispose", case), {"disposition": "referred_out", "note": "To county crisis"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "is claimed by someone else" in html
    assert selected_options(html, "disposition") == ["referred_out"]
    assert "To county crisis</textarea>" in html
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLAIMED


@pytest.mark.django_db
def test_a_chosen_disposition_closes_the_case_and_redirects(client, team):
    signed_in(client, Role.NURSE, team)
    case = make_triaged_case(team)

    response = client.post(url("case_dispose", case), {"disposition": "unable_to_reach"})

    assert response.status_code == 303
    assert Case.objects.get(pk=case.pk).disposition == "unable_to_reach"
