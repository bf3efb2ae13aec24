"""The sentences of a patient's text, as spans of the original text.

The crisis model reads a whole text, so one explicit sentence can be drowned by the others
around it ("Can I talk to someone? I want to kill myself"). Before the model may set a
lexicon match aside, it also reads the sentence that holds the match on its own (see
``crisis_model``): that is what this split is for.

A sentence ends after a run of ``.``, ``!``, ``?`` or ``…`` (and any closing quote or
bracket) when a space, an opening ``¿`` or ``¡`` or a letter follows, and at every line
break. Patients punctuate loosely ("hi...i want to die", "someone?I"), so a letter right
after the stop still ends the sentence; a digit does not ("2.5 mg").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["sentence_spans", "sentences_holding"]

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|[¿¡]|[^\W\d_])|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text`` that holds more than white space."""
    spans = []
    start = 0
    for m in _END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def sentences_holding(text: str, matches: Iterable[tuple[int, int]]) -> list[str]:
    """For each (start, end) match, the sentence that holds it (the run of sentences when
    it crosses a break), each once, in order."""
    spans = sentence_spans(text)
    found: dict[tuple[int, int], None] = {}
    for start, end in matches:
        touched = [(a, b) for a, b in spans if a < max(end, start + 1) and start < b]
        if touched:
            found[(touched[0][0], touched[-1][1])] = None
    return [text[a:b] for a, b in sorted(found)]
