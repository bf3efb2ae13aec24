"""Crisis signals highlighted in the text they were found in (pure, escaped by the template)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


def highlight(text: str, spans) -> list[Segment]:
    """Split ``text`` into plain and marked segments; overlapping spans are merged.

    The template escapes every segment and wraps the marked ones in ``<mark>``, so a
    patient's text can never inject markup. Spans outside the text are ignored.
    """
    text = text or ""
    clean = sorted(
        (max(0, start), min(len(text), end))
        for start, end in spans
        if start is not None and end is not None and start < end and start < len(text)
    )
    merged: list[list[int]] = []
    for start, end in clean:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    segments: list[Segment] = []
    position = 0
    for start, end in merged:
        if start > position:
            segments.append(Segment(text[position:start], False))
        segments.append(Segment(text[start:end], True))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:], False))
    return segments
