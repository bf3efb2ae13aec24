"""Write paths of the intake: consent documents, consent, the draft, submission.

Every state change is one function ``<entity>_<verb>(*, ...)`` under
``transaction.atomic``, called by views, the admin and commands alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Team
from intake import steps, tokens
from intake.models import Consent, ConsentDocument, Intake
from intake.submission import DRAFT_SCANNED_STEPS, case_open_from_draft, case_open_from_intake
from lib import phi

logger = logging.getLogger(__name__)


class IntakeError(Exception):
    """A request the intake cannot carry out; the message is safe to show staff."""


class NoIntakeTeam(IntakeError):
    """No active team can receive intakes (settings.INTAKE_DEFAULT_TEAM)."""


class ConsentDocumentLocked(IntakeError):
    """A published or superseded consent document cannot change."""


class IntakeIncomplete(IntakeError):
    def __init__(self, step: str):
        super().__init__(f"The intake is missing answers on the {step!r} page.")
        self.step = step


# ---- consent documents ----------------------------------------------------------------


def consent_document_active(language: str) -> ConsentDocument | None:
    return ConsentDocument.objects.filter(
        language=language, status=ConsentDocument.Status.PUBLISHED
    ).first()


@transaction.atomic
def consent_document_create_draft(*, language: str, title: str, body: str, user=None):
    """A new draft version (the next number for the language)."""
    last = (
        ConsentDocument.objects.select_for_update()
        .filter(language=language)
        .order_by("-version")
        .first()
    )
    return ConsentDocument.objects.create(
        language=language,
        version=(last.version + 1) if last else 1,
        title=title,
        body=body,
        created_by=user,
    )


@transaction.atomic
def consent_document_publish(*, document: ConsentDocument) -> ConsentDocument:
    """Publish a draft; the version published before it becomes superseded, atomically."""
    document = ConsentDocument.objects.select_for_update().get(pk=document.pk)
    if document.status != ConsentDocument.Status.DRAFT:
        raise ConsentDocumentLocked("Only a draft can be published.")
    previous = ConsentDocument.objects.select_for_update().filter(
        language=document.language, status=ConsentDocument.Status.PUBLISHED
    )
    # Superseded first: one published version per language is a database constraint.
    previous.update(status=ConsentDocument.Status.SUPERSEDED)
    document.status = ConsentDocument.Status.PUBLISHED
    document.published_at = timezone.now()
    document.save(update_fields=["status", "published_at"])
    return document


# ---- consent and the draft --------------------------------------------------------------


def intake_team() -> Team:
    team = Team.objects.filter(slug=settings.INTAKE_DEFAULT_TEAM, is_active=True).first()
    if team is None:
        raise NoIntakeTeam(f"No active team with slug {settings.INTAKE_DEFAULT_TEAM!r}.")
    return team


@transaction.atomic
def intake_start(*, document: ConsentDocument, language: str) -> Intake:
    """Record consent to ``document`` and open a draft intake: the first thing stored."""
    team = intake_team()
    consent = Consent.objects.create(
        document=document,
        document_version=document.version,
        document_hash=document.body_hash,
        language=language,
        method=Consent.Method.WEB_CHECKBOX,
        given_at=timezone.now(),
    )
    return Intake.objects.create(
        consent=consent, team=team, language=language, step=steps.index("contact")
    )


def _yes_no(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _bool(value: str):
    return {"yes": True, "no": False}.get(value)


def intake_initial(intake: Intake, step: str) -> dict:
    """The saved answers of one page, as form initial data (so nothing is lost)."""
    answers = intake.answers or {}
    if step == "contact":
        return {
            "full_name": intake.full_name,
            "date_of_birth": intake.date_of_birth,
            "phone": intake.phone,
            "email": intake.email,
            "preferred_contact": intake.preferred_contact,
            "voicemail_ok": _yes_no(intake.voicemail_ok),
        }
    if step == "reason":
        return {"reason": intake.reason}
    if step in ("phq9", "gad7"):
        values = answers.get(step) or []
        initial = {f"q{i + 1}": str(v) for i, v in enumerate(values) if v is not None}
        if answers.get("phq9_difficulty") is not None and step == "phq9":
            initial["difficulty"] = str(answers["phq9_difficulty"])
        return initial
    if step in ("asq", "asq_now"):
        asq = answers.get("asq") or {}
        return {key: value for key, value in asq.items() if value is not None}
    if step == "demographics":
        return {
            "age_band": intake.age_band,
            "gender": intake.gender,
            "preferred_language": intake.preferred_language,
        }
    return {}


_SIZES = {"phq9": 9, "gad7": 7}
_CONTACT_FIELDS = ("full_name", "date_of_birth", "phone", "email", "preferred_contact")


def _apply(intake: Intake, step: str, data: dict) -> list[str]:
    """Copy cleaned values onto the intake; returns the model fields touched."""
    touched: list[str] = []
    if step in ("contact", "status_contact"):
        for name in _CONTACT_FIELDS:
            if name in data:
                setattr(intake, name, data[name])
                touched.append(name)
        if "voicemail_ok" in data:
            intake.voicemail_ok = _bool(data["voicemail_ok"]) if intake.phone else None
            touched.append("voicemail_ok")
        if "phone" in data:
            intake.phone_index = phi.blind_index(intake.phone, "phone")
            touched.append("phone_index")
        if "email" in data:
            intake.email_index = phi.blind_index(intake.email, "email")
            touched.append("email_index")
    elif step == "reason":
        if "reason" in data:
            intake.reason = data["reason"]
            touched.append("reason")
    elif step in _SIZES:
        answers = dict(intake.answers or {})
        values = list(answers.get(step) or [None] * _SIZES[step])
        for i in range(_SIZES[step]):
            if f"q{i + 1}" in data:
                values[i] = int(data[f"q{i + 1}"])
        answers[step] = values
        if step == "phq9" and "difficulty" in data:
            # The optional closing question of the PHQ-9; "" means not answered.
            answers["phq9_difficulty"] = int(data["difficulty"]) if data["difficulty"] else None
        intake.answers = answers
        touched.append("answers")
    elif step in ("asq", "asq_now"):
        # {"q1".."q5": "yes" | "no" | "refused"}; q5 is None when it was not asked.
        answers = dict(intake.answers or {})
        asq = {f"q{n}": None for n in range(1, 6)} | dict(answers.get("asq") or {})
        for key in asq:
            if data.get(key):
                asq[key] = data[key]
        answers["asq"] = asq
        if not steps.asq_now_needed(answers):
            asq["q5"] = None  # question 5 is asked only after a positive answer
        intake.answers = answers
        touched.append("answers")
    elif step == "demographics":
        for name in ("age_band", "gender", "preferred_language"):
            if name in data:
                setattr(intake, name, data[name] or "")
                touched.append(name)
    return touched


@transaction.atomic
def intake_save_step(*, intake: Intake, step: str, data: dict, complete: bool, language: str):
    """Save the answers of one page (all of them, or the valid ones of an invalid post).

    ``complete`` moves the furthest page the patient may open past this one.
    """
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != Intake.Status.DRAFT:
        raise IntakeError("This intake was already sent.")
    touched = _apply(intake, step, data)
    intake.language = language
    if complete:
        reachable = steps.index(steps.next_key(step, intake.answers))
        intake.step = max(intake.step, reachable)
    intake.save(update_fields=[*set(touched), "language", "step", "updated_at"])
    return intake


def intake_first_incomplete(intake: Intake) -> str | None:
    """The first page whose required answers are missing, or None when all are there."""
    if not (intake.full_name and intake.date_of_birth and intake.preferred_contact):
        return "contact"
    if intake.preferred_contact in ("phone", "text") and not intake.phone:
        return "contact"
    if intake.preferred_contact == "email" and not intake.email:
        return "contact"
    if not intake.reason:
        return "reason"
    answers = intake.answers or {}
    for key, size in _SIZES.items():
        values = answers.get(key) or []
        if len(values) != size or any(v is None for v in values):
            return key
    asq = answers.get("asq") or {}
    if any(asq.get(f"q{n}") is None for n in range(1, 5)):
        return "asq"
    if steps.asq_now_needed(answers) and asq.get("q5") is None:
        return "asq_now"
    return None


# ---- submission --------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    intake: Intake
    case: object
    crisis: bool
    status_token: str  # shown once to the patient; only its hash is stored


@transaction.atomic
def intake_submit(*, intake: Intake, source_keys: tuple[str, ...] = ()) -> Submission:
    """Submit a complete draft: triage it, open its case, issue the status link.

    ``source_keys`` (``intake.source.request_keys``) group a flood of crisis
    pages from one source.
    """
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != Intake.Status.DRAFT:
        raise IntakeError("This intake was already sent.")
    missing = intake_first_incomplete(intake)
    if missing:
        raise IntakeIncomplete(missing)
    token = tokens.issue(intake)
    intake.status = Intake.Status.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.step = steps.index("review")
    intake.save(
        update_fields=[
            "status", "submitted_at", "step", "status_token_hash",
            "status_token_expires_at", "status_token_revoked_at", "updated_at",
        ]
    )  # fmt: skip
    opening = case_open_from_intake(intake=intake, source_keys=source_keys)
    return Submission(
        intake=intake, case=opening.case, crisis=bool(opening.crisis), status_token=token
    )


def intake_crisis_check(*, intake: Intake, step: str, source_keys: tuple[str, ...] = ()) -> bool:
    """Scan a step just saved (the free text, the ASQ's acute question) and, on a crisis,
    open the case and page now, before the patient sends anything. True on a crisis.

    A failure here never loses the patient's answers (already saved) and never blocks
    the form: it is logged, and the submission scans everything again.
    """
    if step not in DRAFT_SCANNED_STEPS:
        return False
    try:
        opening = case_open_from_draft(intake=intake, step=step, source_keys=source_keys)
        return opening is not None
    except Exception:
        logger.exception("intake: the crisis scan of a saved step failed; the submission rescans")
        return False


@transaction.atomic
def intake_discard(*, intake: Intake) -> None:
    """Delete an unsent draft and its consent (the patient chose to start over).

    A draft that already opened a case (a crisis during the intake) is kept: the case
    and its page stay with the nurses.
    """
    intake = Intake.objects.select_for_update(of=("self",)).filter(
        pk=intake.pk, status=Intake.Status.DRAFT, case__isnull=True
    )
    for row in intake:
        consent = row.consent
        row.delete()
        consent.delete()
