"""Console fixtures: staff of a team and fully triaged cases (screeners, signals, events)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from cases.models import Case, CaseEvent, CrisisSignal, TriageResult
from tests.factories.accounts import login_verified, make_staff
from tests.factories.cases import make_case, make_intake, make_team
from triage.models import Acuity

CRISIS_REASON = "I can't sleep and <b>I want to end my life</b> soon."
CRISIS_PHRASE = "I want to end my life"


def staff(role: str, team=None, **fields):
    return make_staff(role, team or make_team(), **fields)


def signed_in(client, role: str = Role.NURSE, team=None, **fields):
    user = staff(role, team, **fields)
    login_verified(client, user)
    return user


def make_triaged_case(
    team=None,
    acuity: str = Acuity.URGENT,
    crisis: bool = False,
    opened_ago: timedelta = timedelta(minutes=10),
    **case_fields,
) -> Case:
    """A case as the engine leaves it: intake PHI, a triage result, signals, events."""
    team = team or make_team()
    reason = CRISIS_REASON if crisis else "Feeling low for weeks, hard to focus at work."
    intake = make_intake(
        team=team,
        full_name="Dana Example",
        date_of_birth="1990-04-02",
        phone="+1 555 0100",
        email="dana@example.org",
        reason=reason,
        preferred_contact="phone",
        voicemail_ok=True,
        answers={
            "phq9": [2, 3, 1, 2, 0, 2, 1, 0, 2 if crisis else 0],
            "phq9_difficulty": 2,
            "gad7": [1, 2, 1, 0, 1, 2, 0],
            "asq": {"q1": crisis, "q2": False, "q3": False, "q4": False}
            | ({"q5": False} if crisis else {}),
        },
        age_band="25-34",
        gender="female",
        submitted_at=timezone.now(),
    )
    opened = timezone.now() - opened_ago
    case_fields.setdefault("due_at", opened + timedelta(hours=1))
    case = make_case(intake=intake, acuity=acuity, crisis=crisis, opened_at=opened, **case_fields)
    TriageResult.objects.create(
        case=case,
        script_version="default-1",
        source=TriageResult.Source.INTAKE,
        acuity=acuity,
        crisis=crisis,
        reasons=[
            {"rule_id": "phq9-moderate", "text": "PHQ-9 total in the moderate band"},
            {"rule_id": "gad7-mild", "text": "GAD-7 total in the mild band"},
        ],
        screeners={"phq9": {"total": 13 + (2 if crisis else 0), "band": "moderate"}},
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.INTAKE_SUBMITTED, summary="Intake submitted"
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.TRIAGED, summary="Triaged")
    if crisis:
        start = reason.index(CRISIS_PHRASE)
        CrisisSignal.objects.create(
            case=case,
            source=CrisisSignal.Source.INTAKE_TEXT,
            source_id=str(intake.pk),
            category="suicide",
            severity="high",
            rule_id="suicide-intent-en",
            script_version="default-1",
            span_start=start,
            span_end=start + len(CRISIS_PHRASE),
            matched=CRISIS_PHRASE,
        )
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SIGNAL, summary="1 signal")
    return case


def ensure_roles() -> None:
    """Create the role groups (for tests with a flushed database: transaction=True)."""
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0003_roles").create_roles(apps, None)
