"""Demo data for trying the console. Refuses to run in production."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.demo import demo_staff_access
from accounts.models import Team, TeamMembership, User
from demo.intakes import seed_demo_intakes
from paging.demo import seed_demo_paging
from triage.models import TriageScript
from triage.scripts import drafts

# Printed by `make demo`; these accounts exist only in the demo database.
DEMO_PASSWORD = "demo-triage-2026"  # noqa: S105

DEMO_STAFF = [
    # username, first name, last name, supervises the team, is_staff (admin site).
    # The supervisor is staff to approve triage scripts, which happens in the admin.
    # The clinical lead (a clinician) edits triage scripts in the console; the
    # supervisor approves them there too (/console/scripts/).
    ("nurse", "Nora", "Reyes", False, False),
    ("lead", "Lena", "Marsh", False, False),
    ("supervisor", "Sam", "Okafor", True, True),
    ("admin", "Ada", "Lindqvist", False, True),
    ("auditor", "Aurelio", "Banks", False, True),
]
# Staff accounts: each demo user's role (group); they sign in with a printed TOTP secret.
DEMO_ROLES = {
    "nurse": "nurse",
    "lead": "clinician",
    "supervisor": "supervisor",
    "admin": "administrator",
    "auditor": "auditor",
}


@transaction.atomic
def seed_demo() -> list[str]:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded with TRIAGE_ENV=production.")
    team, _ = Team.objects.get_or_create(slug="north", defaults={"name": "North Clinic"})
    lines = [f"Demo staff (password for all: {DEMO_PASSWORD}):"]
    for username, first, last, supervises, is_staff in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": is_staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if user.is_staff != is_staff:  # a demo database seeded by an older version
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        if username in {"nurse", "lead", "supervisor"}:
            TeamMembership.objects.get_or_create(
                user=user, team=team, defaults={"is_supervisor": supervises}
            )
        lines.append(f"  {username:<11} {first} {last}")
        lines += demo_staff_access(user, DEMO_ROLES[username])
    # Crisis paging: on-call schedules and the escalation policy, before any crisis intake.
    lines += seed_demo_paging(team)
    lines += seed_demo_intakes()
    lines += seed_demo_script(team, User.objects.get(username="lead"))
    return lines


DEMO_PHRASE = {
    "kind": "crisis",
    "language": "en",
    "phrase": "I've been saving up my pills",
    "category": "suicide",
    "subtype": "means",
    "severity": "high",
    "whose_risk": "self",
    "examples": [{"text": "I've been saving up my pills for when it gets bad", "match": True}],
    "note": "Demo: a clinical lead's addition, waiting for a supervisor's approval.",
}


def seed_demo_script(team: Team, lead: User) -> list[str]:
    """A draft by the clinical lead that adds one phrase: the supervisor validates,
    approves and activates it under Triage scripts."""
    if TriageScript.objects.filter(team=team).exists() or drafts.active_version(None) is None:
        return []
    draft = drafts.script_draft_from_active(team=team, author=lead)
    drafts.phrase_save(script=draft, actor=lead, fields=DEMO_PHRASE)
    return [f"Triage script draft waiting for approval: /console/scripts/{draft.pk}/"]
