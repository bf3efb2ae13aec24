"""The scan of record of patient messages, run by a real Celery worker on Redis."""

import time

import pytest

from cases.models import CrisisSignal
from messaging import services
from messaging.models import Conversation, Message
from paging.models import Page
from tests.factories.cases import make_case, make_team
from tests.factories.messaging import CRISIS, HOURS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not finish in time")


def test_a_real_worker_scans_each_message_after_commit(start_celery):
    start_celery("worker")
    case = make_case(team=make_team("north"))

    message = services.message_post_from_patient(case=case, body=HOURS).message

    wait_for(lambda: Message.objects.get(pk=message.pk).scan_status == "clean")


def test_the_worker_pages_when_the_inline_handling_failed(start_celery, monkeypatch):
    worker = start_celery("worker")
    case = make_case(team=make_team("north"))
    # Paging breaks in this web process only: the inline transaction rolls back, the
    # message stays, and the worker's scan of record does the work.
    monkeypatch.setattr(
        "paging.services.page_raise",
        lambda **kw: (_ for _ in ()).throw(RuntimeError("paging down in the web process")),
    )

    post = services.message_post_from_patient(case=case, body=CRISIS)

    assert post.crisis  # the patient saw crisis content anyway
    wait_for(lambda: Message.objects.get(pk=post.message.pk).scan_status == "signal")
    assert CrisisSignal.objects.filter(source="message", source_id=str(post.message.pk)).exists()
    assert Page.objects.filter(case=case).count() == 1
    assert Conversation.objects.get(case=case).status == Conversation.Status.WITH_STAFF
    assert "scan_message_of_record" in worker.log()
