"""Paging's changes on the case timeline (cases/receivers.py): paging sends its signals,
cases writes the rows, in the transaction of the change."""

from __future__ import annotations

import pytest
from django.db import transaction

from cases import receivers
from cases.models import CaseEvent
from paging import signals
from paging.models import Page
from paging.services import actions, page_acknowledge, page_advance, page_raise, page_resolve
from tests.factories.paging import make_crisis_case, make_oncall_team, make_policy

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _timeline(case_id) -> list[tuple[str, str]]:
    return list(
        CaseEvent.objects.filter(case_id=case_id, kind=CaseEvent.Kind.PAGE)
        .order_by("created_at")
        .values_list("data__action", "summary")
    )


def test_the_raised_row_commits_with_the_page_or_not_at_all():
    team, *_ = make_oncall_team()
    case, signals_ = make_crisis_case(team)

    with pytest.raises(Rollback), transaction.atomic():
        page_raise(case=case, signals=signals_)
        # Written at once, inside the transaction that raised the page.
        assert _timeline(case.pk) == [("raised", "Crisis page raised")]
        raise Rollback

    assert not Page.objects.exists()
    assert _timeline(case.pk) == []


def test_an_acknowledgement_rolled_back_leaves_no_row():
    team, nurse, *_ = make_oncall_team()
    case, signals_ = make_crisis_case(team)
    page = page_raise(case=case, signals=signals_)

    with pytest.raises(Rollback), transaction.atomic():
        page_acknowledge(page=page, user=nurse)
        assert [a for a, _ in _timeline(case.pk)] == ["raised", "acknowledged"]
        raise Rollback

    assert [a for a, _ in _timeline(case.pk)] == ["raised"]
    page.refresh_from_db()
    assert page.status == Page.Status.TRIGGERED


def test_each_page_change_is_one_row_with_its_actor_and_text():
    team, nurse, backup, _ = make_oncall_team()
    make_policy(team, [(0, "primary", None), (300, "backup", None), (1200, "team", None)])
    case, signals_ = make_crisis_case(team)
    page = page_raise(case=case, signals=signals_)
    page_advance(page_id=page.pk)

    actions.page_snooze(page_id=page.pk, user=nurse, minutes=5, fence=None)
    actions.page_escalate_now(page_id=page.pk, user=nurse, fence=None)
    actions.page_reassign(page_id=page.pk, user=nurse, to_user_id=backup.pk, fence=None)
    actions.page_ack(page_id=page.pk, user=backup)
    page_resolve(page=page, user=backup, note="Called back, safe at home")

    rows = list(
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAGE).order_by("created_at")
    )
    assert [(r.data["action"], r.actor) for r in rows] == [
        ("raised", None),
        ("snooze", nurse),
        ("escalate", nurse),
        ("reassign", nurse),
        ("acknowledged", backup),
        ("resolved", backup),
    ]
    assert all(r.data["page"] == str(page.pk) for r in rows)
    by_action = {r.data["action"]: r for r in rows}
    assert by_action["snooze"].summary == f"Snoozed 5 minutes by {nurse}"
    assert by_action["snooze"].data["minutes"] == 5
    assert by_action["escalate"].summary == f"Escalated now by {nurse} (step 2)"
    assert by_action["reassign"].summary == f"Reassigned by {nurse} to {backup}"
    assert by_action["reassign"].data["to"] == backup.pk
    assert by_action["acknowledged"].summary == f"Page acknowledged by {backup}"
    assert by_action["resolved"].body == "Called back, safe at home"


def test_a_grouped_case_is_on_both_timelines():
    team, *_ = make_oncall_team()
    first, _ = make_crisis_case(team)
    second, _ = make_crisis_case(team)
    page = page_raise(case=first, signals=[], source_keys=["address:a"])
    page_raise(case=second, signals=[], source_keys=["address:a"])

    [(action, summary)] = _timeline(second.pk)
    assert action == "grouped" and page.reference in summary
    assert _timeline(first.pk)[-1] == (
        "group_joined",
        f"Crisis case {second.reference} from the same source joined this page (2 cases)",
    )


def test_paging_itself_writes_no_case_row():
    """Without the cases receivers a page change leaves the timeline untouched."""
    team, *_ = make_oncall_team()
    case, signals_ = make_crisis_case(team)
    uid = "cases.timeline.page_raised"
    assert signals.page_raised.disconnect(dispatch_uid=uid)
    try:
        page_raise(case=case, signals=signals_)
    finally:
        signals.page_raised.connect(receivers.page_raised, dispatch_uid=uid)

    assert Page.objects.filter(case=case).exists()
    assert _timeline(case.pk) == []
