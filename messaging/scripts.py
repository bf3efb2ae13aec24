"""The approved texts of the active triage script, as the assistant may use them."""

from __future__ import annotations

from messaging.assistant import STAND_INS
from triage.scripts.active import active_script, version_label


class UnapprovedText(LookupError):
    """The script has no approved text with this id: the assistant says nothing."""


def active_for(team):
    """(record, engine Script) of the team's active script (the shipped default if none)."""
    return active_script(team)


def version_of(record, script) -> str:
    return version_label(record, script)


def approved_text(script, text_id: str, language: str) -> str:
    """The approved text ``text_id`` in ``language`` (the script's first language when
    not translated); UnapprovedText when the script has no such text."""
    try:
        text = script.text(text_id, language)
    except (KeyError, IndexError) as exc:
        raise UnapprovedText(text_id) from exc
    if not text:
        raise UnapprovedText(text_id)
    return text


def reply_text(script, text_id: str, language: str) -> tuple[str, str]:
    """(text id, approved text) of the assistant's reply ``text_id``.

    A script approved before a reply's text existed answers with the text's stand-in
    (``assistant.STAND_INS``), another approved text that is just as true, rather than
    staying silent; the id returned is the one actually sent.
    """
    try:
        return text_id, approved_text(script, text_id, language)
    except UnapprovedText:
        if text_id not in STAND_INS:
            raise
        stand_in = STAND_INS[text_id]
        return stand_in, approved_text(script, stand_in, language)
