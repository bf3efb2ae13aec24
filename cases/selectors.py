"""Reads of cases: the querysets that services, tasks and views share.

The intake app sits above cases, so an intake is reached through the relation
(``case.intake``, ``Case.intake``), never by importing it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cases.access import visible_cases
from cases.models import Case, TriageResult


def _intake_draft() -> str:
    return Case._meta.get_field("intake").related_model.Status.DRAFT


def case_of_intake(*, intake, lock: bool = False) -> Case | None:
    """The intake's case, if one was opened (``lock``: row-locked for the transaction)."""
    cases = Case.objects.select_for_update() if lock else Case.objects
    return cases.filter(intake=intake).first()


def case_is_paged(case: Case) -> bool:
    """The case raised a page, or was grouped onto another case's page."""
    return case.pages.exists() or case.grouped_pages.exists()


def case_page_queryset() -> QuerySet[Case]:
    """What the case page and its actions show besides the case: intake, team, claimer."""
    return Case.objects.select_related("intake", "team", "claimed_by")


QUEUE_FIELDS = (
    "id", "reference", "team__name", "status", "acuity", "acuity_rank", "crisis", "flagged",
    "opened_at", "due_at", "claimed_at", "claimed_by__username", "claimed_by__first_name",
    "claimed_by__last_name", "intake__status",
)  # fmt: skip


def cases_in_queue(user) -> QuerySet[Case]:
    """The open and claimed cases ``user`` may see, most pressing first: acuity, then
    waiting time. Only the fields the queue shows (no PHI) are loaded."""
    return (
        visible_cases(user)
        .filter(status__in=[Case.Status.OPEN, Case.Status.CLAIMED])
        .select_related("team", "claimed_by", "intake")
        .only(*QUEUE_FIELDS)
        .order_by("acuity_rank", "opened_at", "id")
    )


def cases_missing_scan(older_than: timedelta = timedelta(minutes=1)) -> QuerySet:
    """Ids of sent intakes' cases opened a while ago with no scan of record yet."""
    cutoff = timezone.now() - older_than
    return (
        Case.objects.filter(opened_at__lt=cutoff)
        .exclude(triage_results__source=TriageResult.Source.SCAN_OF_RECORD)
        .exclude(intake__status=_intake_draft())
        .values_list("pk", flat=True)
    )
