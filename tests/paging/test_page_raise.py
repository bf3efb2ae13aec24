import datetime as dt

import pytest
from django.db import transaction

from cases.models import CaseEvent
from paging.models import EscalationStep, Page
from paging.services import page_raise
from tests.factories.paging import (
    make_crisis_case,
    make_oncall_team,
    make_policy,
    make_signal,
)

pytestmark = pytest.mark.django_db


def test_it_raises_a_triggered_page_due_now_with_the_signals(django_capture_on_commit_callbacks):
    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team, n_signals=2)

    with django_capture_on_commit_callbacks() as callbacks:
        page = page_raise(case=case, signals=signals)

    page.refresh_from_db()
    assert page.status == Page.Status.TRIGGERED
    assert page.dedup_key == f"case:{case.pk}"
    assert page.reference == case.reference
    assert page.next_action_at == page.created_at
    assert set(page.signals.all()) == set(signals)
    assert len(callbacks) == 1  # delivery is handed to Celery only after commit
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAGE).count() == 1


def test_it_adds_new_signals_to_the_open_page_instead_of_paging_again():
    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team)
    first = page_raise(case=case, signals=signals)
    later = make_signal(case)

    second = page_raise(case=case, signals=[later])

    assert second.pk == first.pk
    assert Page.objects.filter(case=case).count() == 1
    assert first.signals.count() == 2


def test_it_freezes_the_policy_so_a_later_edit_does_not_change_the_page():
    team, *_ = make_oncall_team()
    policy = make_policy(team, [(0, EscalationStep.Target.PRIMARY, None)])
    case, signals = make_crisis_case(team)
    page = page_raise(case=case, signals=signals)

    policy.steps.update(delay=dt.timedelta(minutes=42))
    policy.ack_timeout = dt.timedelta(minutes=1)
    policy.save()

    page.refresh_from_db()
    assert page.policy_snapshot["steps"] == [
        {"delay": 0, "target": "primary", "user_id": None,
         "channels": ["email", "webhook", "console", "sms"]}
    ]  # fmt: skip
    assert page.policy_snapshot["ack_timeout"] == 15 * 60


def test_it_uses_the_default_policy_when_the_team_has_none():
    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team)

    page = page_raise(case=case, signals=signals)

    targets = [s["target"] for s in page.policy_snapshot["steps"]]
    assert targets == ["primary", "backup", "supervisors", "team"]
    assert [s["delay"] for s in page.policy_snapshot["steps"]] == [0, 300, 600, 900]


def test_the_page_rolls_back_with_the_callers_transaction():
    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team)

    with pytest.raises(RuntimeError), transaction.atomic():
        page_raise(case=case, signals=signals)
        raise RuntimeError("intake failed")

    assert not Page.objects.filter(case=case).exists()


def test_a_resolved_page_does_not_absorb_a_new_crisis():
    from tests.factories.accounts import make_staff

    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team)
    first = page_raise(case=case, signals=signals)
    from paging.services import page_resolve

    page_resolve(page=first, user=make_staff("nurse", team=team), note="Called, safe.")

    second = page_raise(case=case, signals=[make_signal(case)])

    assert second.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_two_transactions_raising_the_same_case_at_once_share_one_page():
    import threading
    import time

    from django.db import connection

    team, *_ = make_oncall_team()
    case, signals = make_crisis_case(team, n_signals=2)
    barrier = threading.Barrier(2)
    pages, errors = [], []

    def raise_in_own_transaction(signal):
        try:
            with transaction.atomic():
                barrier.wait()
                pages.append(page_raise(case=case, signals=[signal]).pk)
                time.sleep(0.3)  # hold the transaction open: the other one must wait
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_in_own_transaction, args=(s,)) for s in signals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(pages)) == 1
    page = Page.objects.get(case=case)
    assert page.signals.count() == 2
