"""A dozen demo intakes across every acuity, submitted through the real services."""

from __future__ import annotations

from intake.models import Intake
from intake.services import consent_document_active, intake_start, intake_submit

NO_ASQ = {"q1": "no", "q2": "no", "q3": "no", "q4": "no"}

# (name, language, reason, phq9, gad7, asq): invented people, invented numbers.
DEMO_INTAKES = [
    (
        "Alex Rivera",
        "en",
        "I keep thinking about ending my life and I have pills saved.",
        [3, 3, 2, 3, 2, 3, 2, 2, 3],
        [2, 2, 2, 2, 1, 2, 2],
        {"q1": "yes", "q2": "yes", "q3": "yes", "q4": "no", "q5": "yes"},
    ),
    (
        "Lucía Fernández",
        "es",
        "Ya no quiero vivir, pienso en quitarme la vida.",
        [2, 3, 2, 2, 2, 2, 2, 1, 2],
        [2, 2, 1, 2, 1, 1, 2],
        {"q1": "yes", "q2": "yes", "q3": "no", "q4": "no", "q5": "no"},
    ),
    (
        "Jordan Lee",
        "en",
        "My partner hits me when he drinks and I am scared to go home.",
        [2, 2, 2, 2, 1, 2, 2, 1, 0],
        [3, 3, 2, 3, 2, 2, 3],
        NO_ASQ,
    ),
    (
        "Sam Patel",
        "en",
        "My brother says he wants to die and won't talk to anyone.",
        [1, 1, 1, 1, 1, 1, 0, 0, 0],
        [2, 2, 2, 1, 1, 1, 1],
        NO_ASQ,
    ),
    (
        "Morgan Diaz",
        "en",
        "Panic attacks every day, I can barely leave the house.",
        [2, 2, 3, 3, 2, 2, 2, 2, 0],
        [3, 3, 3, 3, 2, 3, 3],
        NO_ASQ,
    ),
    (
        "Carmen Ruiz",
        "es",
        "Me siento muy triste desde hace meses y no duermo.",
        [3, 3, 3, 2, 2, 2, 2, 2, 0],
        [1, 1, 1, 1, 0, 1, 1],
        NO_ASQ,
    ),
    (
        "Taylor Brooks",
        "en",
        "Low mood since I lost my job, would like to see someone.",
        [2, 2, 1, 2, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1, 1],
        NO_ASQ,
    ),
    (
        "Diego Morales",
        "es",
        "Tengo mucha ansiedad en el trabajo, quisiera terapia.",
        [1, 1, 1, 1, 1, 1, 1, 1, 0],
        [2, 2, 2, 2, 1, 1, 1],
        NO_ASQ,
    ),
    (
        "Riley Chen",
        "en",
        "Should I stop taking my sertraline? I feel a bit better.",
        [1, 1, 1, 1, 0, 1, 0, 0, 0],
        [1, 1, 0, 1, 0, 0, 1],
        NO_ASQ,
    ),
    (
        "Jamie Walsh",
        "en",
        "This semester is killing me, I'd like help with stress.",
        [1, 0, 1, 1, 0, 1, 1, 0, 0],
        [1, 1, 1, 0, 0, 1, 0],
        NO_ASQ,
    ),
    (
        "Ana Torres",
        "es",
        "Quiero hablar con alguien sobre el duelo por mi madre.",
        [1, 1, 0, 1, 0, 1, 0, 0, 0],
        [0, 1, 0, 0, 0, 1, 0],
        NO_ASQ,
    ),
    (
        "Chris Young",
        "en",
        "Looking for a routine check-in about sleep habits.",
        [0, 1, 1, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0, 0],
        NO_ASQ,
    ),
]


def seed_demo_intakes() -> list[str]:
    """Submit the demo intakes once; the engine sets their acuity like any other."""
    if Intake.objects.exists():
        return []
    lines = ["Demo intakes:"]
    for n, (name, language, reason, phq9, gad7, asq) in enumerate(DEMO_INTAKES, start=1):
        document = consent_document_active(language)
        if document is None:
            return ["No published consent document: demo intakes skipped."]
        intake = intake_start(document=document, language=language)
        intake.full_name = name
        intake.date_of_birth = f"19{70 + n}-0{1 + n % 9}-1{n % 10}"
        intake.phone = f"555-010-{n:04d}"
        intake.preferred_contact = Intake.ContactMethod.PHONE
        intake.voicemail_ok = n % 2 == 0
        intake.reason = reason
        intake.answers = {"phq9": phq9, "gad7": gad7, "asq": asq}
        intake.save()
        submission = intake_submit(intake=intake)
        case = submission.case
        lines.append(f"  {case.reference}  {case.acuity:<8} {'crisis' if case.crisis else ''}")
    lines.append("  Sign in at /console/ as the nurse to work them.")
    return lines
