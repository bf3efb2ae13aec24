"""Case actions: POST only, CSRF-protected, a message each, back to the case page.

Views parse the form, fetch the case through the access check (404 and a denied
event for a case outside the user's teams), call the service in
``cases.actions`` and redirect. They show no PHI themselves; the services
write the audit events for the changes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import mfa_required
from audit.decorators import no_phi
from cases import actions as services
from cases.access import BreakGlassRequired, get_case_for_user
from cases.models import AcuityOverride, Case, CrisisSignal
from console import forms
from console.common import paging_enabled, redirect_after_post


def case_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST + MFA + no_phi; resolves ``case_id`` to a case the user may see."""

    @require_POST
    @mfa_required
    @no_phi
    @wraps(view)
    def wrapper(request: HttpRequest, case_id, **kwargs) -> HttpResponse:
        try:
            case = get_case_for_user(request, case_id)
        except BreakGlassRequired as exc:
            raise Http404 from exc
        back = reverse("console:case", args=[case.pk])
        try:
            view(request, case, **kwargs)
        except services.ActionError as exc:
            messages.error(request, str(exc))
        return redirect_after_post(request, back)

    return wrapper


def _form_error(request: HttpRequest, form) -> None:
    errors = [
        f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)
        for name, errs in form.errors.items()
    ]
    messages.error(request, _("Nothing was saved. %(errors)s") % {"errors": " ".join(errors)})


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


@case_action
def add_note(request: HttpRequest, case: Case) -> None:
    """Add a note to the timeline (sealed at rest)."""
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    services.case_add_note(case=case, user=request.user, text=form.cleaned_data["text"])
    messages.success(request, _("Note saved."))


@case_action
def contact_attempt(request: HttpRequest, case: Case) -> None:
    """Record an attempt to reach the patient."""
    form = forms.ContactAttemptForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    services.case_record_contact_attempt(case=case, user=request.user, **form.cleaned_data)
    messages.success(request, _("Contact attempt recorded."))


@case_action
def override(request: HttpRequest, case: Case) -> None:
    """Request an acuity override (raising applies at once)."""
    form = forms.OverrideForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    result = services.case_override_request(case=case, user=request.user, **form.cleaned_data)
    if result.status == AcuityOverride.Status.PENDING:
        messages.warning(
            request,
            _("Override requested. A second clinician must confirm it before it applies."),
        )
    else:
        messages.success(
            request, _("Acuity changed to %(acuity)s.") % {"acuity": result.get_to_acuity_display()}
        )


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
def missed_signal(request: HttpRequest, case: Case) -> None:
    """Record a crisis signal the engine missed."""
    form = forms.MissedSignalForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    services.signal_record_missed(case=case, user=request.user, **form.cleaned_data)
    messages.success(
        request,
        _("Missed signal recorded: the case is now an emergent crisis case and on call is paged."),
    )


@case_action
def dispose(request: HttpRequest, case: Case) -> None:
    """Record a disposition and close the case."""
    form = forms.DispositionForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    services.case_dispose(case=case, user=request.user, **form.cleaned_data)
    messages.success(request, _("Case %(ref)s is closed.") % {"ref": case.reference})


@case_action
def page_ack(request: HttpRequest, case: Case, page_id) -> None:
    """Acknowledge the crisis page of this case (paging app)."""
    if not paging_enabled():
        raise Http404
    from paging.models import Page
    from paging.services import page_acknowledge

    page = get_object_or_404(Page, pk=page_id, case=case)
    if not request.user.has_perm("accounts.work_cases"):
        raise services.ActionError(_("You do not have permission to do that."))
    page_acknowledge(page=page, user=request.user, via="console")
    messages.success(request, _("Page acknowledged. Escalation is paused."))
