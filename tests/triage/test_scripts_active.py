"""Which script triages a team, and compiling the active scripts at process start."""

import copy

import pytest

from accounts.roles import Role
from tests.factories.accounts import make_staff
from tests.factories.cases import make_team
from triage import engine
from triage.models import TriageScript
from triage.scripts import active, services

pytestmark = pytest.mark.django_db


def _activate_a_new_version(team, label="clinic-test-1"):
    document = copy.deepcopy(engine.default_script().to_dict())
    document["version"] = label
    script = services.script_create_draft(
        team=team, document=document, author=make_staff(Role.ADMINISTRATOR), change_note="t"
    )
    approver = make_staff(Role.SUPERVISOR, team=team, supervisor=True)
    return services.script_activate(
        script=services.script_approve(script=script, approver=approver)
    )


def test_a_team_without_an_active_script_gets_the_active_base():
    record, script = active.active_script(make_team())

    assert record.team is None and record.label == "default-v1"
    assert script.version == "default-v1"


def test_with_no_active_base_either_a_team_gets_the_shipped_default():
    TriageScript.objects.filter(team__isnull=True).update(status="retired")
    record, script = active.active_script(make_team())

    assert record is None
    assert script.version == engine.default_script().version


def test_warm_compiles_every_active_script_before_first_use():
    team = make_team()
    _activate_a_new_version(team)
    active._compiled.cache_clear()

    active.warm()

    assert active._compiled.cache_info().currsize == 2  # the team's and the base
    misses = active._compiled.cache_info().misses
    record, script = active.active_script(team)
    assert record is not None and script.version == "clinic-test-1"
    assert active._compiled.cache_info().misses == misses  # served from the warm cache


def test_it_reads_the_document_once_and_then_only_the_active_row(django_assert_num_queries):
    team = make_team()
    first = _activate_a_new_version(team)
    active.active_script(team)

    with django_assert_num_queries(1):
        record, script = active.active_script(team)

    assert record == first and "document" not in record.__dict__
    assert script is active.active_script(team)[1]


def test_a_new_active_version_is_compiled_from_its_own_document():
    team = make_team()
    _activate_a_new_version(team)
    active.active_script(team)

    _activate_a_new_version(team, "clinic-test-2")
    record, script = active.active_script(team)

    assert record.version == 2 and script.version == "clinic-test-2"
