"""The one reader of screener wording for the intake forms: an adapter over the engine's
data (``triage/engine/data/screeners.json``), so the wording exists exactly once."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from triage.engine.screeners import screener_items


@dataclass(frozen=True)
class Screener:
    key: str
    title: str
    stem: str
    items: tuple[str, ...]
    options: tuple[tuple[str, str], ...]  # (value as posted, label)
    # PHQ-9's closing question (optional): (question, options), or None.
    difficulty: tuple[str, tuple[tuple[str, str], ...]] | None = None


def _language(language: str | None) -> str:
    code = (language or get_language() or "en").split("-")[0]
    return code if code in ("en", "es") else "en"


def screener(key: str, language: str | None = None) -> Screener:
    """PHQ-9 / GAD-7 items with 0..3 options; ASQ items with yes / no / prefer not."""
    data = screener_items(key, _language(language))
    options = tuple((str(o["value"]), o["label"]) for o in data["options"])
    difficulty = None
    if "difficulty" in data:
        extra = data["difficulty"]
        difficulty = (
            extra["question"],
            tuple((str(o["value"]), o["label"]) for o in extra["options"]),
        )
    return Screener(
        key, data["name"], data.get("stem", ""), tuple(data["items"]), options, difficulty
    )
