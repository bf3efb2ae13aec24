"""The staff side, under ``/console/cases/<uuid>/conversation/``: read, take over, reply.

Every view needs a verified (MFA) session and access to the case
(``get_case_for_user``, which records refusals); every render of the conversation
records a VIEW event of ``messaging.conversation`` with the case reference.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import mfa_required
from audit.decorators import no_phi, shows_phi
from audit.models import AccessEvent
from audit.services import record_access
from cases.access import BreakGlassRequired, get_case_for_user
from cases.models import Case
from messaging import callbacks, display, live, services
from messaging.forms import StaffReplyForm
from messaging.models import CallbackRequest, Conversation

OBJECT_TYPE = "messaging.conversation"


def _case(request: HttpRequest, case_id) -> Case:
    try:
        return get_case_for_user(
            request, case_id, queryset=Case.objects.select_related("intake", "team")
        )
    except BreakGlassRequired as exc:
        # Break the glass on the case page first; the conversation follows the case.
        raise Http404 from exc


def staff_context(request: HttpRequest, case: Case, *, form=None) -> dict:
    """Context of templates/messaging/snippets/case_conversation.html; records the read.

    Call it after the access check (get_case_for_user), in the view that renders it.
    """
    conversation = services.conversation_to_show(case)
    with transaction.atomic():
        record_access(
            request=request,
            action=AccessEvent.Action.VIEW,
            object_type=OBJECT_TYPE,
            object_id=conversation.pk or "",
            patient_ref=case.reference,
        )
    return {
        "case": case,
        "conversation": conversation,
        "entries": display.entries(conversation, for_patient=False),
        "reply_form": form or StaffReplyForm(),
        "can_reply": case.intake.status == case.intake.Status.SUBMITTED,
        "callback_requests": list(
            CallbackRequest.objects.filter(case=case)
            .select_related("resolved_by")
            .order_by("-created_at")[:5]
        ),
        "patient_viewing": live.patient_viewing(conversation),
        "presence_seconds": settings.CONSOLE_POLL_SECONDS,
    }


def _respond(request: HttpRequest, case: Case, *, form=None, status: int = 200) -> HttpResponse:
    context = staff_context(request, case, form=form)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps 2xx only: the form with its error (and the text) comes back as 200.
        return render(request, "messaging/snippets/case_conversation.html", context)
    return render(request, "messaging/console_conversation.html", context, status=status)


def _back(case: Case) -> HttpResponse:
    response = HttpResponseRedirect(reverse("console:messaging_conversation", args=[case.pk]))
    response.status_code = 303
    return response


@shows_phi
@mfa_required
@require_safe
def conversation(request: HttpRequest, case_id) -> HttpResponse:
    """The conversation of a case (a page of its own, or the fragment for htmx)."""
    return _respond(request, _case(request, case_id))


@shows_phi
@mfa_required
@require_POST
def take_over(request: HttpRequest, case_id) -> HttpResponse:
    """Silence the assistant for good: from now on only people reply."""
    case = _case(request, case_id)
    conversation = services.conversation_for_case(case=case)
    services.conversation_take_over(conversation=conversation, user=request.user)
    if request.headers.get("HX-Request") == "true":
        return _respond(request, case)
    return _back(case)


@shows_phi
@mfa_required
@require_POST
def reply(request: HttpRequest, case_id) -> HttpResponse:
    """Reply to the patient (taking the conversation over); the patient is notified."""
    case = _case(request, case_id)
    form = StaffReplyForm(request.POST)
    if case.intake.status != case.intake.Status.SUBMITTED:
        form.is_valid()
        form.add_error(None, services.notices.CLOSED)
        return _respond(request, case, form=form, status=400)
    if not form.is_valid():
        return _respond(request, case, form=form, status=400)
    conversation = services.conversation_for_case(case=case)
    services.message_post_from_staff(
        conversation=conversation, user=request.user, body=form.cleaned_data["body"]
    )
    if request.headers.get("HX-Request") == "true":
        return _respond(request, case)
    return _back(case)


@no_phi
@mfa_required
@require_safe
def presence(request: HttpRequest, case_id) -> HttpResponse:
    """ "Patient is viewing" for the conversation section's background poll.

    No PHI (whether a page is open), so no access event per poll; the access check
    still runs, and a case outside the user's teams is a 404 with a denied event.
    """
    case = _case(request, case_id)
    conversation = Conversation.objects.filter(case=case).only("id", "patient_seen_at").first()
    context = {
        "case": case,
        "patient_viewing": conversation is not None and live.patient_viewing(conversation),
        "presence_seconds": settings.CONSOLE_POLL_SECONDS,
    }
    return render(request, "messaging/snippets/patient_presence.html", context)


@shows_phi
@mfa_required
@require_POST
def callback_resolve(request: HttpRequest, case_id) -> HttpResponse:
    """Mark the patient's request to talk to a person as answered (its timer stops)."""
    case = _case(request, case_id)
    callback = callbacks.open_callback(case)
    if callback is not None:
        try:
            callbacks.callback_resolve(callback=callback, user=request.user)
        except callbacks.CallbackRefused:
            messages.error(request, _("You do not have permission to do that."))
        else:
            messages.success(request, _("The request to talk to a person is marked answered."))
    if request.headers.get("HX-Request") == "true":
        return _respond(request, case)
    return _back(case)
