"""A patient asks to talk to a person: the callback request and what we promise them.

One write path for the button and the typed request (``callback_request_create``): it
records the request with its own timer, raises the case by the team's rule (never
lowers it) and writes the timeline event and the audit event in one transaction. A
second request while one is open joins it, so one patient gives one request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.models import AccessEvent
from audit.services import record_access
from cases.models import Case, CaseEvent
from cases.services import case_escalate
from intake.templatetags.patient_dates import patient_datetime_text
from messaging.clinic import ClinicFacts, facts_for
from messaging.models import CallbackRequest, Message
from paging.services.oncall import oncall_at

OBJECT_TYPE = "messaging.callbackrequest"
# Message.reply_text_id of the assistant's answer to a typed request (built here).
CALLBACK_TEXT_ID = "callback_requested"
RULE = "the team's callback rule"


class CallbackRefused(PermissionError):
    """The user may not answer callback requests."""


def open_callback(case: Case) -> CallbackRequest | None:
    return CallbackRequest.objects.filter(case=case, resolved_at__isnull=True).first()


def callback_due(facts: ClinicFacts, now: dt.datetime) -> dt.datetime:
    """The team's callback target from ``now``, moved into the clinic's opening hours."""
    return facts.calendar.contact_by(now + dt.timedelta(minutes=facts.callback_minutes))


@transaction.atomic
def callback_request_create(
    *,
    case: Case,
    channel: str,
    window: str = CallbackRequest.Window.ANY,
    source: str,
    message: Message | None = None,
    request=None,
) -> tuple[CallbackRequest, bool]:
    """(the open request, True when this call created it).

    Pressing the button again updates the open request's channel and window (the
    patient changed their mind); typing the request again changes nothing.
    """
    case = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
    existing = open_callback(case)
    if existing is not None:
        if source == CallbackRequest.Source.BUTTON and (
            existing.channel != channel or existing.window != window
        ):
            existing.channel, existing.window = channel, window
            existing.save(update_fields=["channel", "window"])
        return existing, False
    facts = facts_for(case.team)
    now = timezone.now()
    # The case lock above serialises requests; the partial unique index backs it up.
    callback = CallbackRequest.objects.create(
        case=case,
        channel=channel,
        window=window,
        source=source,
        message=message,
        due_at=callback_due(facts, now),
    )
    case_escalate(
        case=case,
        acuity=facts.callback_acuity,
        crisis=False,
        version=RULE,
        since=now,
        source="callback",
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.MESSAGE,  # not a NOTE: paging counts a note as staff acting
        summary="Patient asked to talk to a person",
        data={
            "callback": str(callback.pk),
            "channel": channel,
            "window": window,
            "source": source,
            "message": str(message.pk) if message else "",
        },
    )
    record_access(
        request=request,
        action=AccessEvent.Action.CREATE,
        object_type=OBJECT_TYPE,
        object_id=callback.pk,
        patient_ref=case.reference,
        details={"by": "patient", "source": source},
    )
    return callback, True


@transaction.atomic
def callback_resolve(*, callback: CallbackRequest, user) -> CallbackRequest:
    """A person answered the request (called, texted or wrote back): its timer stops."""
    if not user.has_perm("accounts.work_cases"):
        raise CallbackRefused("work_cases")
    callback = (
        CallbackRequest.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=callback.pk)
    )
    if callback.resolved_at is not None:
        return callback
    callback.resolved_at = timezone.now()
    callback.resolved_by = user
    callback.save(update_fields=["resolved_at", "resolved_by"])
    CaseEvent.objects.create(
        case=callback.case,
        kind=CaseEvent.Kind.MESSAGE,
        actor=user,
        summary="Callback request answered",
        data={"callback": str(callback.pk)},
    )
    record_access(
        actor=user,
        action=AccessEvent.Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=callback.pk,
        patient_ref=callback.case.reference,
        details={"resolved": True},
    )
    return callback


@dataclass(frozen=True)
class Promise:
    """What the patient is told about when someone will answer."""

    due_at: dt.datetime
    open_now: bool
    opens_at: dt.datetime | None
    on_call: bool  # a nurse is on call now (the primary layer)
    tz: str


def promise_for(callback: CallbackRequest, team, now: dt.datetime | None = None) -> Promise:
    now = now or timezone.now()
    facts = facts_for(team)
    return Promise(
        due_at=callback.due_at,
        open_now=facts.calendar.is_open(now),
        opens_at=facts.calendar.next_opening(now),
        on_call=oncall_at(team, at=now) is not None,
        tz=team.time_zone,
    )


def promise_sentences(promise: Promise) -> list[str]:
    """When someone will answer, honestly, in the active language (crisis lines apart).

    The promise is the request's own deadline, inside opening hours. Outside them only
    a crisis reaches anyone at once, and the patient is told so rather than left to
    wait on a message nobody reads until morning.
    """
    when = patient_datetime_text(promise.due_at, promise.tz)
    out = [
        _(
            "You asked to talk to a person. A member of the clinic team will contact "
            "you by %(when)s."
        )
        % {"when": when}
    ]
    if promise.open_now:
        out.append(_("The clinic is open now."))
        return out
    if promise.opens_at is not None:
        out.append(
            _("The clinic is closed now. It opens %(when)s.")
            % {"when": patient_datetime_text(promise.opens_at, promise.tz)}
        )
    else:
        out.append(_("The clinic is closed now."))
    if promise.on_call:
        out.append(
            _(
                "Until then, only a message that says you may be in danger alerts someone "
                "straight away: the nurse on call."
            )
        )
    else:
        out.append(
            _(
                "Until then, only a message that says you may be in danger alerts someone "
                "at the clinic straight away."
            )
        )
    return out


def crisis_lines(language: str) -> list[str]:
    resources = settings.CRISIS_RESOURCES
    return list(resources.get(language) or resources.get(settings.LANGUAGE_CODE, []))


def promise_reply(promise: Promise, language: str) -> str:
    """The assistant's answer to a typed request: the promise, then the crisis lines."""
    with override(language):
        help_now = _("If you need help now, do not wait:")
        return " ".join([*promise_sentences(promise), help_now, *crisis_lines(language)])
