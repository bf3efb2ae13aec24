"""Factories for consent, intakes and cases (plain functions where factory_boy adds nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Team
from cases.models import Case
from intake.models import Consent, ConsentDocument, Intake
from triage.models import Acuity


def make_team(slug: str = "north", name: str | None = None) -> Team:
    team, _ = Team.objects.get_or_create(slug=slug, defaults={"name": name or slug.title()})
    return team


def make_consent_document(language: str = "en", version: int = 1, **fields) -> ConsentDocument:
    fields.setdefault("title", "Consent to use the clinic intake")
    fields.setdefault("body", "This is an automated administrative service, not a clinician.")
    fields.setdefault("status", ConsentDocument.Status.PUBLISHED)
    return ConsentDocument.objects.create(language=language, version=version, **fields)


def make_consent(language: str = "en") -> Consent:
    document = ConsentDocument.objects.filter(
        language=language, status="published"
    ).first() or make_consent_document(language)
    return Consent.objects.create(
        document=document,
        document_version=document.version,
        document_hash=document.body_hash,
        language=language,
        given_at=timezone.now(),
    )


def make_intake(team: Team | None = None, language: str = "en", **fields) -> Intake:
    fields.setdefault("full_name", "Test Patient")
    fields.setdefault("status", Intake.Status.SUBMITTED)
    return Intake.objects.create(
        consent=make_consent(language), team=team or make_team(), language=language, **fields
    )


def make_case(
    team: Team | None = None, acuity: str = Acuity.ROUTINE, crisis: bool = False, **fields
) -> Case:
    intake = fields.pop("intake", None) or make_intake(team=team)
    now = timezone.now()
    fields.setdefault("opened_at", now)
    fields.setdefault("due_at", now + timedelta(days=3))
    return Case.objects.create(
        intake=intake,
        reference=intake.reference,
        team=intake.team,
        acuity=acuity,
        acuity_rank=Acuity.rank(acuity),
        triage_acuity=acuity,
        crisis=crisis,
        **fields,
    )
