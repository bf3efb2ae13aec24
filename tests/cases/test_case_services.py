"""The one writer of a case's state (cases/services.py), and that it is the only one."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases import services
from cases.models import AcuityOverride, Case, CaseEvent
from cases.targets import due_at
from tests.factories.cases import make_case, make_team
from tests.factories.console import staff
from triage.models import Acuity

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def nurse():
    return staff(Role.NURSE, make_team("north"))


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


# ---- case_escalate --------------------------------------------------------------------------


def test_escalate_raises_the_acuity_its_rank_and_target_with_one_event():
    case = make_case(acuity=Acuity.ROUTINE)

    services.case_escalate(case=case, acuity=Acuity.URGENT, crisis=False, version="v9")

    case.refresh_from_db()
    assert (case.acuity, case.acuity_rank) == (Acuity.URGENT, Acuity.rank(Acuity.URGENT))
    assert case.due_at == due_at(Acuity.URGENT, case.opened_at)
    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEvent.Kind.TRIAGED
    assert event.data == {"acuity": "urgent", "script_version": "v9", "source": "scan"}


def test_escalate_never_lowers_the_acuity_nor_clears_the_crisis_flag():
    case = make_case(acuity=Acuity.EMERGENT, crisis=True)
    before = case.due_at

    services.case_escalate(case=case, acuity=Acuity.ROUTINE, crisis=False, version="v9")

    case.refresh_from_db()
    assert (case.acuity, case.acuity_rank, case.crisis) == (Acuity.EMERGENT, 0, True)
    assert case.due_at == before
    assert kinds(case) == []


def test_escalate_sets_the_crisis_flag_at_the_same_acuity_without_an_event():
    case = make_case(acuity=Acuity.EMERGENT, crisis=False)

    services.case_escalate(case=case, acuity=Acuity.EMERGENT, crisis=True, version="v9")

    case.refresh_from_db()
    assert case.crisis is True and case.acuity == Acuity.EMERGENT
    assert kinds(case) == []


# ---- case_override_acuity -------------------------------------------------------------------


def test_an_override_may_lower_the_acuity_and_clear_the_crisis_flag(nurse):
    case = make_case(acuity=Acuity.URGENT, crisis=True)
    override = AcuityOverride.objects.create(
        case=case,
        from_acuity=Acuity.URGENT,
        to_acuity=Acuity.ROUTINE,
        clear_crisis=True,
        reason="Spoke with the patient",
        requested_by=nurse,
        status=AcuityOverride.Status.APPLIED,
    )

    services.case_override_acuity(case=case, override=override, user=nurse, summary="Lowered")

    case.refresh_from_db()
    assert (case.acuity, case.acuity_rank, case.crisis) == (Acuity.ROUTINE, 3, False)
    assert case.due_at == due_at(Acuity.ROUTINE, case.opened_at)
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.actor, event.data) == (
        CaseEvent.Kind.OVERRIDE,
        nurse,
        {"override": str(override.pk)},
    )


# ---- claim, release, close ----------------------------------------------------------------


def test_claim_takes_an_open_case_once(nurse):
    case = make_case()
    other = staff(Role.NURSE, case.team, username="other-nurse")

    claimed = services.case_claim(case=case, user=nurse)
    second = services.case_claim(case=case, user=other)

    assert claimed.status == Case.Status.CLAIMED and claimed.claimed_by == nurse
    assert claimed.claimed_at is not None
    assert second is None
    case.refresh_from_db()
    assert case.claimed_by == nurse
    assert kinds(case) == [CaseEvent.Kind.CLAIMED]


def test_release_by_someone_who_is_not_the_claimer_changes_nothing(nurse):
    case = make_case()
    services.case_claim(case=case, user=nurse)
    other = staff(Role.NURSE, case.team, username="other-nurse")

    assert services.case_release(case=case, user=other, claimer=other) is None

    case.refresh_from_db()
    assert case.status == Case.Status.CLAIMED and case.claimed_by == nurse


def test_release_gives_the_case_back_to_the_queue(nurse):
    case = make_case()
    services.case_claim(case=case, user=nurse)

    released = services.case_release(case=case, user=nurse, claimer=nurse)

    assert released.status == Case.Status.OPEN
    assert released.claimed_by is None and released.claimed_at is None
    assert kinds(case) == [CaseEvent.Kind.CLAIMED, CaseEvent.Kind.RELEASED]


def test_close_records_the_disposition_once(nurse):
    case = make_case()

    closed = services.case_close(
        case=case, disposition=Case.Disposition.REFERRED_OUT, user=nurse, note=" called "
    )
    again = services.case_close(case=case, disposition=Case.Disposition.CLOSED, user=nurse)

    assert closed.status == Case.Status.CLOSED and closed.closed_at is not None
    assert again.disposition == Case.Disposition.REFERRED_OUT
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.body, event.data) == (
        CaseEvent.Kind.DISPOSITION,
        "called",
        {"disposition": "referred_out"},
    )


def test_close_for_a_withdrawal_writes_the_patients_event():
    case = make_case()

    services.case_close(case=case, disposition=Case.Disposition.CONSENT_WITHDRAWN)

    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEvent.Kind.CONSENT_WITHDRAWN and event.actor is None
    assert event.data == {"by": "patient", "disposition": "consent_withdrawn"}


def test_release_overdue_keeps_a_claim_inside_its_window(nurse, settings):
    case = make_case(due_at=timezone.now() - dt.timedelta(minutes=5))
    services.case_claim(case=case, user=nurse)

    assert services.cases_release_overdue() == []
    later = timezone.now() + dt.timedelta(minutes=settings.CLAIM_RELEASE_MINUTES + 1)
    assert services.cases_release_overdue(now=later) == [case.pk]


# ---- the only writer ---------------------------------------------------------------------------

OWNED = {"acuity", "acuity_rank", "status", "claimed_by", "claimed_at", "crisis"}
APPS = ("cases", "intake", "console", "messaging", "paging", "triage", "demo", "lib")


def _writes_owned(receiver: str, fields: set) -> bool:
    # "status" is also a page's, a notice's...: only on a Case queryset is it a case's.
    return bool(fields & (OWNED - {"status"})) or (
        "status" in fields and receiver.startswith("Case.objects")
    )


def _case_writes(path: Path) -> list[str]:
    """Assignments ``<...case>.<owned field> = ...`` and ``Case.objects...update(<owned>=)``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in getattr(target, "elts", [target])]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in OWNED
                and ast.unparse(target.value).lower().endswith("case")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and _writes_owned(ast.unparse(node.func.value), {k.arg for k in node.keywords})
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_only_cases_services_writes_a_cases_acuity_status_claim_or_crisis_flag():
    writes = [
        where
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "cases" / "services.py"
        for where in _case_writes(path)
    ]

    assert writes == []
    assert _case_writes(ROOT / "cases" / "services.py")  # the check can see a write
