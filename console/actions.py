"""Case actions: POST only, CSRF-protected, a message each, back to the case page.

Views parse the form, fetch the case through the access check (404 and a denied
event for a case outside the user's teams), call the service in
``cases.actions`` and redirect. They show no PHI themselves; the services
write the audit events for the changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import mfa_required
from audit.decorators import no_phi, shows_phi
from cases import actions as services
from cases.access import BreakGlassRequired, get_case_for_user
from cases.models import AcuityOverride, Case, CrisisSignal
from console import forms
from console.case_page import CASE_QUERYSET, render_case_page
from console.common import redirect_after_post
from paging.models import Page
from paging.services import page_acknowledge


def _case_view(view: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse]:
    """Resolves ``case_id`` to a case the user may see, then back to the case page
    (or the view's own response: an invalid form re-renders the page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, case_id, **kwargs) -> HttpResponse:
        try:
            case = get_case_for_user(request, case_id)
        except BreakGlassRequired as exc:
            raise Http404 from exc
        back = reverse("console:case", args=[case.pk])
        try:
            response = view(request, case, **kwargs)
        except services.ActionError as exc:
            messages.error(request, str(exc))
            response = None
        return response or redirect_after_post(request, back)

    return wrapper


def case_action(view: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse]:
    """POST + MFA + no_phi; resolves ``case_id`` to a case the user may see."""
    return require_POST(mfa_required(no_phi(_case_view(view))))


def case_form_action(view: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse]:
    """A case action with a form: POST + MFA, and ``shows_phi`` because an invalid form
    brings back the case page (audited) with what the clinician typed, not a redirect
    that would lose it."""
    return require_POST(mfa_required(shows_phi(_case_view(view))))


def _form_error(request: HttpRequest, form) -> None:
    errors = [
        f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)
        for name, errs in form.errors.items()
    ]
    messages.error(request, _("Nothing was saved. %(errors)s") % {"errors": " ".join(errors)})


def _page_with(request: HttpRequest, case: Case, name: str, form, status: int) -> HttpResponse:
    """The case page again with the posted form, its errors, and the first one focused."""
    first = next((field for field in form.errors if field in form.fields), None)
    if first:
        # Focus lands on the field to fix, so the page opens where the form is.
        form.fields[first].widget.attrs["autofocus"] = True
    case = CASE_QUERYSET.get(pk=case.pk)
    return render_case_page(request, case, bound_forms={name: form}, status=status)


def _submit(
    request: HttpRequest, case: Case, name: str, form, apply: Callable[[dict], None]
) -> HttpResponse | None:
    """Validate ``form`` and ``apply`` its data; an invalid form (400) or a refusal (409)
    brings back the page with everything typed, instead of a redirect that would lose it."""
    if not form.is_valid():
        _form_error(request, form)
        return _page_with(request, case, name, form, 400)
    try:
        apply(form.cleaned_data)
    except services.ActionError as exc:
        messages.error(request, str(exc))
        return _page_with(request, case, name, form, 409)
    return None


@case_action
def claim(request: HttpRequest, case: Case) -> None:
    """Claim the case (one winner when two clinicians claim at once)."""
    services.case_claim(case=case, user=request.user)
    messages.success(request, _("You claimed case %(ref)s.") % {"ref": case.reference})


@case_action
def release(request: HttpRequest, case: Case) -> None:
    """Give the case back to the queue."""
    services.case_release(case=case, user=request.user)
    messages.success(request, _("Case %(ref)s is back in the queue.") % {"ref": case.reference})


@case_form_action
def add_note(request: HttpRequest, case: Case) -> HttpResponse | None:
    """Add a note to the timeline (sealed at rest)."""

    def apply(data: dict) -> None:
        services.case_add_note(case=case, user=request.user, text=data["text"])
        messages.success(request, _("Note saved."))

    form = forms.NoteForm(request.POST, auto_id="note_%s")
    return _submit(request, case, "note_form", form, apply)


@case_form_action
def contact_attempt(request: HttpRequest, case: Case) -> HttpResponse | None:
    """Record an attempt to reach the patient."""

    def apply(data: dict) -> None:
        services.case_record_contact_attempt(case=case, user=request.user, **data)
        messages.success(request, _("Contact attempt recorded."))

    form = forms.ContactAttemptForm(request.POST, auto_id="contact_%s")
    return _submit(request, case, "contact_form", form, apply)


@case_form_action
def override(request: HttpRequest, case: Case) -> HttpResponse | None:
    """Request an acuity override (raising applies at once)."""

    def apply(data: dict) -> None:
        result = services.case_override_request(case=case, user=request.user, **data)
        if result.status == AcuityOverride.Status.PENDING:
            messages.warning(
                request,
                _("Override requested. A second clinician must confirm it before it applies."),
            )
        else:
            acuity = result.get_to_acuity_display()
            messages.success(request, _("Acuity changed to %(acuity)s.") % {"acuity": acuity})

    form = forms.OverrideForm(request.POST, auto_id="override_%s")
    return _submit(request, case, "override_form", form, apply)


@case_action
def override_decide(request: HttpRequest, case: Case, override_id) -> None:
    """Confirm or reject another clinician's pending override."""
    pending = get_object_or_404(AcuityOverride, pk=override_id, case=case)
    approve = request.POST.get("decision") == "confirm"
    result = services.case_override_confirm(override=pending, user=request.user, approve=approve)
    if approve and result.status == AcuityOverride.Status.APPLIED:
        messages.success(request, _("Override confirmed and applied."))
    elif approve:
        messages.error(
            request,
            _("The acuity changed since this override was requested, so it was not applied."),
        )
    else:
        messages.success(request, _("Override rejected."))


@case_action
def signal_review(request: HttpRequest, case: Case, signal_id) -> None:
    """Mark one crisis signal as a true or false positive."""
    signal = get_object_or_404(CrisisSignal, pk=signal_id, case=case)
    services.signal_review(signal=signal, user=request.user, review=request.POST.get("review", ""))
    messages.success(request, _("Thank you: the signal review was recorded."))


@case_action
def signals_review(request: HttpRequest, case: Case) -> None:
    """Review the signals of one sentence together: it is one thing the nurse read.

    Each signal keeps its own review (the labelled data for the next script version).
    """
    ids = []
    for value in request.POST.getlist("signal"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue  # a forged id is not a 500
    signals = list(CrisisSignal.objects.filter(pk__in=ids, case=case).order_by("created_at"))
    if not signals:
        raise Http404
    review = request.POST.get("review", "")
    with transaction.atomic():
        for signal in signals:
            services.signal_review(signal=signal, user=request.user, review=review)
    messages.success(request, _("Thank you: the signal review was recorded."))


@case_form_action
def missed_signal(request: HttpRequest, case: Case) -> HttpResponse | None:
    """Record a crisis signal the engine missed."""

    def apply(data: dict) -> None:
        services.signal_record_missed(case=case, user=request.user, **data)
        messages.success(
            request,
            _(
                "Missed signal recorded: the case is now an emergent crisis case"
                " and on call is paged."
            ),
        )

    form = forms.MissedSignalForm(request.POST, auto_id="missed_%s")
    return _submit(request, case, "missed_form", form, apply)


@case_form_action
def dispose(request: HttpRequest, case: Case) -> HttpResponse | None:
    """Record a disposition and close the case."""

    def apply(data: dict) -> None:
        services.case_dispose(case=case, user=request.user, **data)
        messages.success(request, _("Case %(ref)s is closed.") % {"ref": case.reference})

    form = forms.DispositionForm(request.POST, auto_id="disposition_%s")
    return _submit(request, case, "disposition_form", form, apply)


@case_action
def page_ack(request: HttpRequest, case: Case, page_id) -> None:
    """Acknowledge the crisis page of this case (paging app)."""
    page = get_object_or_404(Page, pk=page_id, case=case)
    if not request.user.has_perm("accounts.work_cases"):
        raise services.ActionError(_("You do not have permission to do that."))
    page_acknowledge(page=page, user=request.user, via="console")
    messages.success(request, _("Page acknowledged. Escalation is paused."))
