"""The case timeline rows of paging's changes (``paging/signals.py``).

Paging sits below cases and cannot write a ``CaseEvent``; it tells what happened and
these receivers, connected in ``CasesConfig.ready``, write the row. Signals are
synchronous, so each row commits in the transaction of the page change it records.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import CaseEvent
from paging import signals


def _page_event(page, action: str, summary: str, *, actor=None, case_id=None, body="", **data):
    return CaseEvent.objects.create(
        case_id=case_id or page.case_id,
        kind=CaseEvent.Kind.PAGE,
        actor=actor,
        summary=summary[:200],
        body=body,
        data={"page": str(page.pk), "action": action, **data},
    )


def page_raised(sender, *, page, **kwargs) -> None:
    _page_event(page, "raised", _("Crisis page raised"), reason=page.reason)


def page_acknowledged(sender, *, page, actor, via: str, **kwargs) -> None:
    who = str(actor) if actor is not None else _("an acknowledge link")
    summary = _("Page acknowledged by %(who)s") % {"who": who}
    _page_event(page, "acknowledged", summary, actor=actor, via=via)


def page_lapsed(sender, *, page, **kwargs) -> None:
    summary = _("Acknowledgement lapsed without action; escalation resumed")
    _page_event(page, "ack_lapsed", summary)


def page_escalated(sender, *, page, actor, step: int, via: str, **kwargs) -> None:
    summary = _("Escalated now by %(who)s (step %(n)s)") % {"who": actor, "n": step + 1}
    _page_event(page, "escalate", summary, actor=actor, step=step, via=via)


def page_reassigned(sender, *, page, actor, to, via: str, **kwargs) -> None:
    summary = _("Reassigned by %(who)s to %(to)s") % {"who": actor, "to": to}
    _page_event(page, "reassign", summary, actor=actor, to=to.pk, via=via)


def page_snoozed(sender, *, page, actor, minutes: int, until, via: str, **kwargs) -> None:
    summary = _("Snoozed %(m)s minutes by %(who)s") % {"m": minutes, "who": actor}
    _page_event(
        page, "snooze", summary, actor=actor, minutes=minutes, until=until.isoformat(), via=via
    )


def page_resolved(sender, *, page, actor, note: str, **kwargs) -> None:
    summary = _("Page resolved by %(who)s") % {"who": actor}
    _page_event(page, "resolved", summary, actor=actor, body=note)


def page_grouped(sender, *, page, case, matched: str, **kwargs) -> None:
    """Both timelines say where the page is: the joining case's and the page's own."""
    facts = {"count": page.case_count, "matched": matched}
    summary = _(
        "Crisis page shared with case %(ref)s: %(count)s crisis cases from one source "
        "(no new notification)"
    ) % {"ref": page.reference, "count": page.case_count}
    _page_event(page, "grouped", summary, case_id=case.pk, **facts)
    summary = _("Crisis case %(ref)s from the same source joined this page (%(count)s cases)") % {
        "ref": case.reference,
        "count": page.case_count,
    }
    _page_event(page, "group_joined", summary, **facts, case=str(case.pk))


def connect() -> None:
    """Called once from ``CasesConfig.ready``; the uids keep a second call harmless."""
    for signal, receiver in (
        (signals.page_raised, page_raised),
        (signals.page_acknowledged, page_acknowledged),
        (signals.page_lapsed, page_lapsed),
        (signals.page_escalated, page_escalated),
        (signals.page_reassigned, page_reassigned),
        (signals.page_snoozed, page_snoozed),
        (signals.page_resolved, page_resolved),
        (signals.page_grouped, page_grouped),
    ):
        signal.connect(receiver, dispatch_uid=f"cases.timeline.{receiver.__name__}")
