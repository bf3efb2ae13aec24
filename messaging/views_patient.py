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

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from audit.decorators import no_phi, shows_phi
from audit.models import AccessEvent
from audit.services import record_access
from intake.models import Intake
from intake.status import case_of
from intake.views_status import status_link
from messaging import display, services
from messaging.forms import MessageForm

OBJECT_TYPE = "messaging.conversation"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@transaction.atomic
def _record_patient_view(request, conversation, case) -> None:
    record_access(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=conversation.pk,
        patient_ref=case.reference,
        details={"by": "patient", "via": "status_link"},
    )


def _render(request, intake: Intake, token: str, *, form=None, post=None, status=200):
    case = case_of(intake)
    context = {"intake": intake, "token": token, "case": case, "form": form or MessageForm()}
    if case is not None:
        conversation = services.conversation_for_case(case=case)
        _record_patient_view(request, conversation, case)
        # A crisis found inline is shown even if storing it failed (the worker stores it).
        inline_crisis = bool(post and post.crisis and conversation.crisis_message_id is None)
        context.update(
            conversation=conversation,
            entries=display.entries(conversation, for_patient=True),
            texts=display.texts(case, (get_language() or intake.language)[:2]),
            can_write=services.patient_can_write(case),
            inline_crisis=inline_crisis,
            just_sent=post is not None,
            # Nobody automated answered (with staff): say the message is safely saved.
            saved_note=post is not None and post.reply is None and not post.crisis,
        )
    if _is_htmx(request):
        # htmx swaps 2xx only: the form with its error (and the text) comes back as 200.
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


@no_phi
@require_safe
def status_help(request: HttpRequest) -> HttpResponse:
    """Where 'You have a new message' notices link: no token, no PHI, only directions."""
    response = render(request, "messaging/status_help.html")
    # Not no-referrer: under it the page's language switch posts Origin: null (a 403).
    response["Referrer-Policy"] = "same-origin"
    return response
