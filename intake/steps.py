"""The pages of the intake, in order. ``Intake.step`` is the index of the furthest
page the patient may open (everything before it has been saved)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    # The page belongs to this entry of the progress indicator (a follow-up page
    # shares the entry of the page that asks for it).
    progress: str


STEPS = (
    Step("consent", _("Consent"), "consent"),
    Step("contact", _("Contact details"), "contact"),
    Step("reason", _("Reason for contact"), "reason"),
    Step("phq9", _("Mood"), "phq9"),
    Step("gad7", _("Worry"), "gad7"),
    Step("asq", _("Safety"), "asq"),
    # Asked only when an ASQ answer is yes; its progress entry is "Safety".
    Step("asq_now", _("Safety"), "asq"),
    Step("demographics", _("About you (optional)"), "demographics"),
    Step("review", _("Review and send"), "review"),
)
KEYS = tuple(step.key for step in STEPS)
BY_KEY = {step.key: step for step in STEPS}
PROGRESS = tuple(step for step in STEPS if step.key == step.progress)


def index(key: str) -> int:
    return KEYS.index(key)


def asq_now_needed(answers: dict | None) -> bool:
    """ASQ question 5 is asked after a yes (or a refusal) to any of questions 1-4."""
    asq = (answers or {}).get("asq") or {}
    return any(asq.get(f"q{n}") in ("yes", "refused") for n in range(1, 5))


def next_key(key: str, answers: dict | None) -> str:
    following = KEYS[index(key) + 1]
    if following == "asq_now" and not asq_now_needed(answers):
        return KEYS[index("asq_now") + 1]
    return following


def previous_key(key: str, answers: dict | None) -> str | None:
    if index(key) == 0:
        return None
    before = KEYS[index(key) - 1]
    if before == "asq_now" and not asq_now_needed(answers):
        return KEYS[index("asq_now") - 1]
    return before
