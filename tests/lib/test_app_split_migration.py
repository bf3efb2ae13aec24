"""Intake, cases and the worker heartbeat left the triage app (issue 19): a database
populated before the move keeps every row, permission and change-history link."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import Case
from intake.models import Intake
from lib.models import WorkerHeartbeat
from paging.models import Page
from tests.factories.paging import make_crisis_case, make_oncall_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("migrations")]

# The schema as it was before the split: no intake, cases or lib app yet.
BEFORE_SPLIT = [
    ("lib", None),
    ("cases", None),
    ("intake", None),
    ("triage", "0009_crisis_model_permissions"),
    ("paging", "0003_page_grouping"),
    ("messaging", "0002_grant_roles"),
]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_rows_written_before_the_split_are_read_by_the_new_apps():
    team, *_staff = make_oncall_team()
    case, _signals = make_crisis_case(team=team)
    page = Page.objects.create(
        case=case, team=team, reference=case.reference, dedup_key=f"crisis:{case.pk}",
        policy_snapshot=[], round_started_at=case.opened_at, created_at=case.opened_at,
    )  # fmt: skip
    page.signals.set(case.signals.all())
    WorkerHeartbeat.objects.create(hostname="worker-1", beat_at=case.opened_at)
    case_type_id = ContentType.objects.get_for_model(Case).pk
    reviewers = Group.objects.create(name="case reviewers")
    reviewers.permissions.add(Permission.objects.get(codename="view_case"))

    executor = _migrate(BEFORE_SPLIT)
    old = executor.loader.project_state([t for t in BEFORE_SPLIT if t[1]]).apps
    # Today's schema: the triage app owns these tables, and sees the rows.
    assert old.get_model("triage", "Case").objects.get(pk=case.pk).reference == case.reference
    assert old.get_model("triage", "Intake").objects.count() == Intake.objects.count()
    assert ContentType.objects.get(pk=case_type_id).app_label == "triage"

    _migrate(executor.loader.graph.leaf_nodes())

    moved = Case.objects.select_related("intake").get(pk=case.pk)
    assert moved.intake.full_name == case.intake.full_name  # the sealed column still opens
    assert list(Page.objects.get(pk=page.pk).signals.all()) == list(moved.signals.all())
    assert Page.objects.get(pk=page.pk).case_id == case.pk
    assert WorkerHeartbeat.objects.get(hostname="worker-1")
    # Same content type row, now labelled cases: the group keeps its permission.
    assert ContentType.objects.get_for_model(Case).pk == case_type_id
    assert reviewers.permissions.filter(content_type__app_label="cases", codename="view_case")
