"""The patient's side: ``/intake/status/<token>/conversation/`` (the private status link).

The token is resolved by the intake app's ``status_link`` decorator (rate limit,
same-origin referrer and no-store headers, the 'link not working' page). Each page
shows the patient their own messages and records an audit event ({"by": "patient"}).

The message post is exempt from the CSRF check, as every post of the status link is
(see intake/views_status.py): the token in the URL is the patient's only
credential, so the check would protect nothing, while any browser that sends no Origin
or keeps no cookie would lose a message that may be a crisis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.decorators import no_phi, shows_phi
from audit.models import AccessEvent
from audit.services import record_access
from cases.models import Case
from intake import tokens
from intake.models import Intake
from intake.status import case_of
from intake.views_status import status_link
from messaging import callbacks, display, live, services
from messaging.forms import CallbackForm, MessageForm

OBJECT_TYPE = "messaging.conversation"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@transaction.atomic
def _record_patient_view(request, conversation, case, via: str = "status_link") -> None:
    record_access(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=conversation.pk,
        patient_ref=case.reference,
        details={"by": "patient", "via": via},
    )


def _thread_context(request, intake: Intake, case: Case, conversation) -> dict:
    """What the live part of the page shows (the page, its htmx swaps and the poll)."""
    return {
        "intake": intake,
        "case": case,
        "conversation": conversation,
        "entries": display.entries(conversation, for_patient=True),
        "texts": display.texts(case, (get_language() or intake.language)[:2]),
        "live_state": live.state_of(conversation),
        "poll_seconds": settings.PATIENT_POLL_SECONDS,
    }


def callback_context(intake: Intake, case: Case | None, *, form=None) -> dict:
    """The "talk to a person" panel: the open request and its promise, or the form."""
    if case is None or not services.patient_can_write(case):
        return {"callback": None, "callback_form": None}
    callback = callbacks.open_callback(case)
    if callback is not None:
        promise = callbacks.promise_for(callback, case.team)
        return {"callback": callback, "promise": callbacks.promise_sentences(promise)}
    initial = {"channel": services.preferred_channel(intake), "window": "any"}
    return {
        "callback": None,
        "callback_form": form or CallbackForm(prefix="callback", initial=initial),
    }


def _render(request, intake: Intake, token: str, *, form=None, post=None, status=200, cb_form=None):
    case = case_of(intake)
    context = {"intake": intake, "token": token, "case": case, "form": form or MessageForm()}
    if case is not None:
        conversation = services.conversation_for_case(case=case)
        _record_patient_view(request, conversation, case)
        # A crisis found inline is shown even if storing it failed (the worker stores it).
        inline_crisis = bool(post and post.crisis and conversation.crisis_message_id is None)
        context.update(
            _thread_context(request, intake, case, conversation),
            can_write=services.patient_can_write(case),
            inline_crisis=inline_crisis,
            just_sent=post is not None,
            # Nobody automated answered (with staff): say the message is safely saved.
            saved_note=post is not None and post.reply is None and not post.crisis,
            callback_form_bound=cb_form,
        )
    if _is_htmx(request):
        # htmx swaps 2xx only: the form with its error (and the text) comes back as 200.
        # The "talk to a person" panel comes along out of band: a typed request for a
        # person replaces its form with the promise.
        context["callback_oob"] = True
        return render(request, "messaging/snippets/patient_thread.html", context)
    return render(request, "messaging/patient_conversation.html", context, status=status)


@csrf_exempt
@shows_phi
@require_http_methods(["GET", "HEAD", "POST"])
@status_link
def conversation(request: HttpRequest, intake: Intake, token: str) -> HttpResponse:
    """Read the conversation and write to the clinic (answered by the assistant or a person).

    A sent message is answered in this same response, not after a redirect, so crisis
    content found by the inline scan is on the screen at once.
    """
    if request.method != "POST":
        return _render(request, intake, token)
    form = MessageForm(request.POST)
    case = case_of(intake)
    if case is None or not form.is_valid():
        return _render(request, intake, token, form=form, status=400)
    try:
        post = services.message_post_from_patient(case=case, body=form.cleaned_data["body"])
    except services.MessageRejected as exc:
        form.add_error("body", str(exc))
        return _render(request, intake, token, form=form, status=400)
    return _render(request, intake, token, post=post)


@csrf_exempt
@shows_phi
@require_POST
@status_link
def callback(request: HttpRequest, intake: Intake, token: str) -> HttpResponse:
    """ "I'd like to talk to a person" (the button, from the status or conversation page).

    Exempt from the CSRF check like every post of the status link. A plain form: it
    works the same with or without JavaScript, and lands on the conversation page.
    """
    case = case_of(intake)
    if case is None or not services.patient_can_write(case):
        return _see_other(reverse("intake:status", args=[token]))
    form = CallbackForm(request.POST, prefix="callback")
    if not form.is_valid():
        return _render(request, intake, token, cb_form=form, status=400)
    callbacks.callback_request_create(
        case=case,
        channel=form.cleaned_data["channel"],
        window=form.cleaned_data["window"],
        source=callbacks.CallbackRequest.Source.BUTTON,
        request=request,
    )
    return _see_other(reverse("intake:messaging_conversation", args=[token]) + "#callback")


def _see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _private(response: HttpResponse) -> HttpResponse:
    # The status link's headers (intake.views_status): no Referer leak, no copy.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# htmx stops polling on this status: the link expired or was revoked while open.
STOP_POLLING = 286


@shows_phi
@require_safe
def poll(request: HttpRequest, token: str) -> HttpResponse:
    """The conversation's live part, only when it changed since ``?state=`` (else 204).

    The token is the only credential, as on every status-link page, and it reaches
    only its own intake's conversation. Nothing new: no audit event and no rendering,
    a handful of indexed queries; new content: one VIEW event, as for the page.
    """
    if not live.poll_allowed(request):
        return _private(HttpResponse(status=429))
    intake, _problem = tokens.lookup(token)
    if intake is None:
        return _private(HttpResponse(status=STOP_POLLING))
    conversation = live.conversation_of_intake(intake)
    if conversation is None:
        return _private(HttpResponse(status=204))
    live.mark_patient_seen(conversation)
    if request.GET.get("state") == live.state_of(conversation):
        return _private(HttpResponse(status=204))
    case = conversation.case
    case.intake = intake
    _record_patient_view(request, conversation, case, via="poll")
    context = _thread_context(request, intake, case, conversation)
    context.update(token=token, polled=True)
    return _private(render(request, "messaging/snippets/patient_live.html", context))


@no_phi
@require_safe
def status_help(request: HttpRequest) -> HttpResponse:
    """Where 'You have a new message' notices link: no token, no PHI, only directions."""
    response = render(request, "messaging/status_help.html")
    # Not no-referrer: under it the page's language switch posts Origin: null (a 403).
    response["Referrer-Policy"] = "same-origin"
    return response
