"""Screener scoring: PHQ-9, GAD-7, ASQ and the C-SSRS screener, with their public rules.

Every function validates strictly and raises :class:`ScreenerInputError` (a ValueError)
naming the item and the problem. Missing items are an error, not "incomplete": the intake
form requires every item it shows, so a gap means a bug upstream, and guessing a score
could hide a crisis. The item wording (English and Spanish) is data, in
``data/screeners.json``; see :func:`screener_items`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "ScreenerInputError",
    "ScreenerResult",
    "score_asq",
    "score_cssrs",
    "score_gad7",
    "score_phq9",
    "screener_items",
]

_FREQUENCY = ("not at all", "several days", "more than half the days", "nearly every day")
_DIFFICULTY = (
    "not difficult at all",
    "somewhat difficult",
    "very difficult",
    "extremely difficult",
)
_ASQ_VALUES = ("yes", "no", "refused")
_CSSRS_VALUES = ("yes", "no")
_CSSRS_Q6_VALUES = ("no", "yes_within_3_months", "yes_over_3_months")


class ScreenerInputError(ValueError):
    """Screener answers that cannot be scored; ``item`` is the 1-based item, if one."""

    def __init__(self, screener: str, message: str, item: int | None = None) -> None:
        where = f"{screener} item {item}" if item is not None else screener
        super().__init__(f"{where}: {message}")
        self.screener = screener
        self.item = item


@dataclass(frozen=True, slots=True)
class ScreenerResult:
    """A scored screener.

    ``total`` is None for the ASQ and the C-SSRS screener, which are not sums. ``band`` is
    a stable code (``moderately_severe``, ``acute_positive``, ``high``); ``label`` is the
    same in words for the console. ``flags`` name notable answers (``item9_positive``,
    ``past_attempt``, ``refused``).
    """

    screener: str
    answers: tuple[Any, ...]
    total: int | None
    band: str
    label: str
    crisis: bool
    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    difficulty: str | None = None


def _check_length(screener: str, answers: object, allowed: tuple[int, ...]) -> tuple:
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise ScreenerInputError(screener, "answers must be a list of item answers")
    if len(answers) not in allowed:
        want = " or ".join(str(n) for n in allowed)
        raise ScreenerInputError(screener, f"expected {want} answers, got {len(answers)}")
    return tuple(answers)


def _check_frequency(screener: str, answers: tuple, item_offset: int = 1) -> None:
    for i, value in enumerate(answers, start=item_offset):
        if value is None:
            raise ScreenerInputError(screener, "missing answer (every item is required)", i)
        # bool is an int subclass: True would silently score as 1.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScreenerInputError(
                screener, f"answer must be an integer 0-3, got {type(value).__name__}", i
            )
        if not 0 <= value <= 3:
            raise ScreenerInputError(screener, f"answer must be 0-3, got {value}", i)


def _band(total: int, bands: tuple[tuple[int, str, str], ...]) -> tuple[str, str]:
    for upper, code, words in bands:
        if total <= upper:
            return code, words
    raise AssertionError("bands must cover the whole range")


_PHQ9_BANDS = (
    (4, "minimal", "minimal depression"),
    (9, "mild", "mild depression"),
    (14, "moderate", "moderate depression"),
    (19, "moderately_severe", "moderately severe depression"),
    (27, "severe", "severe depression"),
)
_GAD7_BANDS = (
    (4, "minimal", "minimal anxiety"),
    (9, "mild", "mild anxiety"),
    (14, "moderate", "moderate anxiety"),
    (21, "severe", "severe anxiety"),
)


def score_phq9(answers: Sequence[int], difficulty: int | None = None) -> ScreenerResult:
    """Score the PHQ-9 (Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613).

    Nine items scored 0-3, total 0-27. Severity: 0-4 minimal, 5-9 mild, 10-14 moderate,
    15-19 moderately severe, 20-27 severe. Item 9 (thoughts of being better off dead or of
    self-harm) above 0 is a crisis signal whatever the total. The functional difficulty
    question (0-3) is optional and not scored; it is reported as words.
    """
    items = _check_length("PHQ-9", answers, (9,))
    _check_frequency("PHQ-9", items)
    difficulty_words = None
    if difficulty is not None:
        if isinstance(difficulty, bool) or not isinstance(difficulty, int):
            raise ScreenerInputError("PHQ-9", "difficulty must be an integer 0-3 or None")
        if not 0 <= difficulty <= 3:
            raise ScreenerInputError("PHQ-9", f"difficulty must be 0-3, got {difficulty}")
        difficulty_words = _DIFFICULTY[difficulty]
    total = sum(items)
    band, words = _band(total, _PHQ9_BANDS)
    reasons = [f"PHQ-9 total {total}: {words} (Kroenke et al. 2001 bands)"]
    flags: tuple[str, ...] = ()
    if items[8] > 0:
        flags = ("item9_positive",)
        reasons.append(
            f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
            f"'{_FREQUENCY[items[8]]}' — crisis signal"
        )
    return ScreenerResult(
        screener="phq9",
        answers=items,
        total=total,
        band=band,
        label=f"{total} — {words}",
        crisis=items[8] > 0,
        flags=flags,
        reasons=tuple(reasons),
        difficulty=difficulty_words,
    )


def score_gad7(answers: Sequence[int]) -> ScreenerResult:
    """Score the GAD-7 (Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-7).

    Seven items scored 0-3, total 0-21. Severity: 0-4 minimal, 5-9 mild, 10-14 moderate,
    15-21 severe. The GAD-7 has no crisis item.
    """
    items = _check_length("GAD-7", answers, (7,))
    _check_frequency("GAD-7", items)
    total = sum(items)
    band, words = _band(total, _GAD7_BANDS)
    return ScreenerResult(
        screener="gad7",
        answers=items,
        total=total,
        band=band,
        label=f"{total} — {words}",
        crisis=False,
        flags=(),
        reasons=(f"GAD-7 total {total}: {words} (Spitzer et al. 2006 bands)",),
    )


def score_asq(answers: Sequence[str | None]) -> ScreenerResult:
    """Score the ASQ (NIMH Ask Suicide-Screening Questions; Horowitz et al. 2012).

    Answers: Q1-Q4 each "yes", "no" or "refused"; Q5 ("Are you having thoughts of killing
    yourself right now?") "yes", "no", "refused" or None when not asked. A yes or a refusal
    on any of Q1-Q4 is a positive screen; Q5 then decides acute positive (imminent risk)
    versus non-acute positive. All no is negative. Q4 is lifetime history, so a result that
    rests on it says so.

    Choices the toolkit leaves open, made in the safe direction: Q5 is required after a
    positive screen (the form always asks it then); a refused Q5 counts as acute; a yes on
    Q5 after four noes is taken at its word (acute positive).
    """
    items = _check_length("ASQ", answers, (4, 5))
    if len(items) == 4:
        items = (*items, None)
    for i, value in enumerate(items, start=1):
        if value is None and i == 5:
            continue
        if not isinstance(value, str) or value not in _ASQ_VALUES:
            raise ScreenerInputError(
                "ASQ", f"answer must be one of {', '.join(_ASQ_VALUES)}, got {value!r}", i
            )
    q1_4, q5 = items[:4], items[4]
    positive = any(v in ("yes", "refused") for v in q1_4)
    refused = tuple(i for i, v in enumerate(items, start=1) if v == "refused")
    if positive and q5 is None:
        raise ScreenerInputError("ASQ", "required after a positive answer to questions 1-4", 5)
    past_attempt = q1_4[3] == "yes"
    flags = (("past_attempt",) if past_attempt else ()) + (("refused",) if refused else ())
    if q5 in ("yes", "refused"):
        band, words = "acute_positive", "acute positive screen (imminent risk)"
    elif positive:
        band, words = "non_acute_positive", "non-acute positive screen (potential risk)"
    else:
        band, words = "negative", "negative screen"
    notes = []
    if past_attempt and band != "negative":
        notes.append("includes a past suicide attempt")
    if refused:
        notes.append("refused question " + ", ".join(str(i) for i in refused))
    label = words + (f" ({'; '.join(notes)})" if notes else "")
    reasons = [f"ASQ: {label}"]
    endorsed = [str(i) for i, v in enumerate(q1_4, start=1) if v == "yes"]
    if endorsed:
        reasons.append("ASQ yes to question " + ", ".join(endorsed))
    if q5 == "yes":
        reasons.append("ASQ question 5: thoughts of killing themselves right now")
    return ScreenerResult(
        screener="asq",
        answers=items,
        total=None,
        band=band,
        label=label,
        crisis=band != "negative",
        flags=flags,
        reasons=tuple(reasons),
    )


_CSSRS_ITEMS = (
    "wish to be dead",
    "thoughts of killing themselves",
    "thinking about how (method)",
    "intent to act",
    "a plan, with intent to carry it out",
    "suicidal behaviour",
)


def score_cssrs(answers: Sequence[str | None]) -> ScreenerResult:
    """Score the C-SSRS screener (Columbia Protocol screen version; Posner et al. 2011).

    Answers: Q1-Q5 "yes", "no" or None (not asked: Q3-Q5 are asked only after a yes to
    Q2, but whatever is given is scored); Q6 "no", "yes_within_3_months" or
    "yes_over_3_months". Q1, Q2 and Q6 are always asked, so they are required.

    Risk is the highest item endorsed, never a sum: high for Q4, Q5 or Q6 within the past
    3 months; moderate for Q3 or Q6 more than 3 months ago; low for Q1-Q2 only; none when
    nothing is endorsed.
    """
    items = _check_length("C-SSRS", answers, (6,))
    for i, value in enumerate(items[:5], start=1):
        if value is None and i in (3, 4, 5):
            continue
        if value is None:
            raise ScreenerInputError("C-SSRS", "missing answer (this item is always asked)", i)
        if not isinstance(value, str) or value not in _CSSRS_VALUES:
            raise ScreenerInputError("C-SSRS", f"answer must be 'yes' or 'no', got {value!r}", i)
    q6 = items[5]
    if not isinstance(q6, str) or q6 not in _CSSRS_Q6_VALUES:
        raise ScreenerInputError(
            "C-SSRS", f"answer must be one of {', '.join(_CSSRS_Q6_VALUES)}, got {q6!r}", 6
        )
    yes = [i for i, v in enumerate(items[:5], start=1) if v == "yes"]
    if q6 == "yes_within_3_months" or 4 in yes or 5 in yes:
        band = "high"
    elif q6 == "yes_over_3_months" or 3 in yes:
        band = "moderate"
    elif yes:
        band = "low"
    else:
        band = "none"
    endorsed = [f"Q{i} ({_CSSRS_ITEMS[i - 1]})" for i in yes]
    if q6 != "no":
        when = "within the past 3 months" if q6 == "yes_within_3_months" else "over 3 months ago"
        endorsed.append(f"Q6 ({_CSSRS_ITEMS[5]}, {when})")
    words = "no risk identified" if band == "none" else f"{band} risk"
    label = words + (f": {', '.join(endorsed)}" if endorsed else "")
    flags = ("past_attempt",) if q6 != "no" else ()
    return ScreenerResult(
        screener="cssrs",
        answers=items,
        total=None,
        band=band,
        label=label,
        crisis=band != "none",
        flags=flags,
        reasons=(f"C-SSRS screener: {label}",),
    )


def frequency_words(value: int) -> str:
    """The English response option for a PHQ-9/GAD-7 answer (0-3)."""
    return _FREQUENCY[value]


@cache
def _items_document() -> dict[str, Any]:
    path = Path(__file__).with_name("data") / "screeners.json"
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def screener_items(screener: str, language: str = "en") -> dict[str, Any]:
    """Wording for one screener in one language: stem, items, options and extras.

    ``screener`` is ``phq9``, ``gad7``, ``asq`` or ``cssrs``; ``language`` ``en`` or ``es``.
    Returns a fresh dict, so callers may change it.
    """
    doc = _items_document()
    if screener not in doc or screener.startswith("_"):
        raise KeyError(f"unknown screener {screener!r}")
    entry = doc[screener]
    out: dict[str, Any] = {"name": entry["name"], "source": entry["source"]}
    for key, value in entry.items():
        if isinstance(value, dict) and "en" in value:
            if language not in value:
                raise KeyError(f"no {language!r} wording for {screener}")
            out[key] = json.loads(json.dumps(value[language]))
        elif key not in out:
            out[key] = value
    return out
