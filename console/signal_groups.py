"""Crisis signals grouped per sentence: what the nurse reviews is a sentence, not a rule.

One sentence often fires several rules ("I want to die, I have the pills" gives ideation,
means and the model's concern). Shown one per rule, the nurse reviews the same words
three times; grouped, she reads the sentence once, with every reason it was flagged in
plain words, and one review covers them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cases.models import CrisisSignal
from console.highlight import Segment, highlight
from console.signals import signal_name

# A sentence ends at . ! ? or … (with any closing quotes or brackets) before a space, or
# at a line break. Good enough for patients' free text; a missed split only joins two
# sentences into one item, never loses a signal.
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n+")
MIXED = "mixed"


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, covering it end to end."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        bounds.append((start, match.end()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


@dataclass
class SignalGroup:
    """One item to review: a sentence (or a signal with no sentence) and its signals."""

    source: str
    segments: list[Segment] = field(default_factory=list)
    signals: list[CrisisSignal] = field(default_factory=list)
    order: tuple = ()
    sentence: tuple[int, int] | None = None

    @property
    def id(self) -> str:
        return str(self.signals[0].pk)

    @property
    def names(self) -> list[str]:
        """Plain names, each once, in the order found."""
        return list(dict.fromkeys(signal_name(s) for s in self.signals))

    @property
    def words(self) -> str:
        """For a signal without a sentence: what it recorded (a screener rule, a staff note)."""
        return "" if self.segments else self.signals[0].matched

    @property
    def review(self) -> str:
        reviews = {s.review for s in self.signals}
        return reviews.pop() if len(reviews) == 1 else MIXED

    @property
    def reviewers(self) -> list[str]:
        return list(dict.fromkeys(str(s.reviewed_by) for s in self.signals if s.reviewed_by))


def _sentence(text: str, start: int) -> tuple[int, int, int]:
    """(index, start, end) of the sentence holding ``start``, surrounding spaces trimmed."""
    for index, (s, e) in enumerate(sentence_bounds(text)):
        if s <= start < e:
            chunk = text[s:e]
            s += len(chunk) - len(chunk.lstrip())
            e -= len(chunk) - len(chunk.rstrip())
            return index, s, e
    return -1, 0, len(text)


def group_signals(
    signals: list[CrisisSignal], text_of: Callable[[CrisisSignal], str | None]
) -> list[SignalGroup]:
    """Group signals by the sentence their span starts in, texts in the order first seen.

    ``text_of(signal)`` gives the text the signal was found in (the intake's reason, a
    patient message), or None when the case page does not show it. A signal without a
    span or a text (a screener answer, one recorded by staff) is an item of its own.
    """
    texts: dict[tuple[str, str], int] = {}
    groups: dict[tuple, SignalGroup] = {}
    for signal in signals:
        text = text_of(signal)
        source = signal.get_source_display()
        origin = texts.setdefault((signal.source, signal.source_id), len(texts))
        if text and signal.span_start is not None and signal.span_start < len(text):
            index, start, end = _sentence(text, signal.span_start)
            key = (signal.source, signal.source_id, index)
            group = groups.get(key)
            if group is None:
                group = groups[key] = SignalGroup(
                    source=source, order=(origin, start), sentence=(start, end)
                )
            group.signals.append(signal)
        else:
            groups[("single", signal.pk)] = SignalGroup(
                source=source, signals=[signal], order=(origin, -1)
            )
    for group in groups.values():
        if group.sentence:
            start, end = group.sentence
            spans = [
                (s.span_start - start, (s.span_end or s.span_start) - start) for s in group.signals
            ]
            group.segments = highlight(text_of(group.signals[0])[start:end], spans)
    return sorted(groups.values(), key=lambda g: g.order)
