"""The case page: the only console page that shows PHI. Every view is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import mfa_required
from accounts.roles import has_role, visible_team_ids
from audit.decorators import shows_phi
from audit.models import AccessEvent
from audit.services import accesses_for, record_access
from cases.access import BreakGlassRequired, get_case_for_user
from cases.models import AcuityOverride, Case, CaseEvent, CrisisSignal
from cases.selectors import case_page_queryset
from console import forms
from console.highlight import Segment, highlight
from console.screeners import screener_sections
from console.signal_groups import group_signals
from console.signals import model_readings, signal_name
from console.timers import annotate_timers
from messaging.models import Message
from paging.models import Page

CASE_QUERYSET = case_page_queryset()


def _pages(case: Case) -> list:
    return list(
        Page.objects.filter(case=case).select_related("acknowledged_by").order_by("-created_at")
    )


@dataclass(frozen=True)
class CrisisMessage:
    """A patient message that raised a crisis signal, with the signals' words marked."""

    message: Message
    segments: list[Segment]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def crisis_messages(case: Case, signals: list[CrisisSignal]) -> list[CrisisMessage]:
    """The case's patient messages with crisis signals, oldest first (one query at most).

    They belong with the intake's free text: a crisis written days later is what the
    nurse calls about, and the conversation page may not be open.
    """
    spans: dict[str, list] = {}
    for s in signals:
        if s.source == CrisisSignal.Source.MESSAGE:
            spans.setdefault(s.source_id, []).append((s.span_start, s.span_end))
    ids = [source_id for source_id in spans if _is_uuid(source_id)]  # never a 500
    if not ids:
        return []
    messages = Message.objects.filter(
        pk__in=ids, conversation__case=case, sender=Message.Sender.PATIENT
    ).order_by("created_at", "pk")
    return [CrisisMessage(m, highlight(m.body, spans[str(m.pk)])) for m in messages]


def _name_reviewed_signals(events: list[CaseEvent], signals: list[CrisisSignal]) -> None:
    """Say which signal a review event is about in plain words.

    The stored summary names the rule id, which nurses should never have to read; the
    event keeps the signal's id, and the page already holds the signals.
    """
    by_id = {str(s.pk): s for s in signals}
    for event in events:
        signal = by_id.get((event.data or {}).get("signal", ""))
        if event.kind == CaseEvent.Kind.SIGNAL_REVIEW and signal is not None:
            event.summary = _("“%(signal)s” marked %(review)s by %(who)s") % {
                "signal": signal.plain_name,
                "review": CrisisSignal.Review(event.data.get("review", signal.review)).label,
                "who": (event.actor.get_full_name() or event.actor.username)
                if event.actor
                else "–",
            }


def case_context(request: HttpRequest, case: Case, bound_forms: dict | None = None) -> dict:
    """Everything the case page shows, in a fixed number of queries.

    ``bound_forms`` replaces empty forms by forms the clinician posted with an error, so
    the page comes back with what they typed and the message next to the field.
    """
    user = request.user
    intake = case.intake
    results = list(case.triage_results.select_related("script").order_by("created_at"))
    signals = list(case.signals.select_related("reviewed_by").order_by("created_at"))
    for signal in signals:
        signal.plain_name = signal_name(signal)
    scans = list(case.crisis_scans.order_by("created_at"))
    events = list(case.events.select_related("actor").order_by("created_at"))
    overrides = list(
        case.overrides.select_related("requested_by", "confirmed_by").order_by("-created_at")
    )
    text_spans = [
        (s.span_start, s.span_end)
        for s in signals
        if s.source == CrisisSignal.Source.INTAKE_TEXT and s.source_id in ("", str(intake.pk))
    ]
    annotate_timers([case], timezone.now())
    is_supervisor = has_role(user, "supervisor")
    messages_shown = crisis_messages(case, signals)
    bodies = {str(item.message.pk): item.message.body for item in messages_shown}

    def text_of(signal: CrisisSignal) -> str | None:
        if signal.source == CrisisSignal.Source.INTAKE_TEXT:
            return intake.reason if signal.source_id in ("", str(intake.pk)) else None
        if signal.source == CrisisSignal.Source.MESSAGE:
            return bodies.get(signal.source_id)
        return None

    _name_reviewed_signals(events, signals)
    context = {
        "case": case,
        "intake": intake,
        "results": results,
        "latest_result": results[-1] if results else None,
        "screeners": screener_sections(intake, get_language()),
        "signals": signals,
        "model_readings": model_readings(scans),
        "reason_segments": highlight(intake.reason, text_spans),
        "crisis_messages": messages_shown,
        "signal_groups": group_signals(signals, text_of),
        "crisis_reasons": list(dict.fromkeys(s.plain_name for s in signals)),
        "events": events,
        "overrides": overrides,
        "pending_overrides": [o for o in overrides if o.status == AcuityOverride.Status.PENDING],
        "pages": _pages(case),
        "can_work": user.has_perm("accounts.work_cases"),
        "can_lower": user.has_perm("accounts.override_triage"),
        "can_confirm": user.has_perm("accounts.confirm_override"),
        "is_supervisor": is_supervisor,
        "note_form": forms.NoteForm(auto_id="note_%s"),
        "contact_form": forms.ContactAttemptForm(
            auto_id="contact_%s", initial={"method": intake.preferred_contact or "phone"}
        ),
        "override_form": forms.OverrideForm(
            auto_id="override_%s", initial={"to_acuity": case.acuity}
        ),
        "missed_form": forms.MissedSignalForm(auto_id="missed_%s"),
        "disposition_form": forms.DispositionForm(auto_id="disposition_%s"),
        "event_kinds": CaseEvent.Kind,
    }
    context.update(bound_forms or {})
    return context


@require_GET
@mfa_required
@shows_phi
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    """Summary, actions, then details (screeners, rationale, timeline); one VIEW event."""
    try:
        case = get_case_for_user(request, case_id, queryset=CASE_QUERYSET)
    except BreakGlassRequired:
        return redirect("console:break_glass", case_id=case_id)
    return render_case_page(request, case)


def render_case_page(
    request: HttpRequest, case: Case, *, bound_forms: dict | None = None, status: int = 200
) -> HttpResponse:
    """The case page, audited: exactly one VIEW event, written before it renders.

    Callers have checked access (``get_case_for_user``). The case actions call it with
    the form that failed validation, so nothing typed is lost.
    """
    # Outside the user's teams means a break-glass grant let them in: say so, record it.
    emergency = case.team_id not in visible_team_ids(request.user)
    context = case_context(request, case, bound_forms)
    # The patient messages shown here are named in the one view event, so the trail
    # answers "who read this message" without a second event per view.
    shown = [str(c.message.pk) for c in context["crisis_messages"]]
    record_access(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="cases.case",
        object_id=str(case.pk),
        patient_ref=case.reference,
        details={
            "view": "case_page",
            **({"via": "break_glass"} if emergency else {}),
            **({"messages": shown} if shown else {}),
        },
    )
    context["emergency_access"] = emergency
    # Read after the write, so a supervisor's history includes this very view.
    context["access_events"] = (
        list(accesses_for("cases.case", case.pk)[:50]) if context["is_supervisor"] else []
    )
    return render(request, "console/case.html", context, status=status)
