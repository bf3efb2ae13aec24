"""The private status link: ``/intake/status/<token>/``.

The token is the only secret in a URL (never PHI). Every page here sends
``Referrer-Policy: same-origin`` and ``Cache-Control: no-store``, and every read or
change of the patient's own data records an audit event ({"by": "patient"}).

Referrer: ``same-origin`` keeps the link out of the Referer sent to any other site,
and lets a form post carry this site's own Origin. (``no-referrer`` made browsers post
``Origin: null``, which Django's CSRF check refuses: the site's language switch and,
without JavaScript, every message a patient sent, were answered 403 and lost.) The
Referer now reaching our own server holds the token: the access log and the log
handlers redact it (lib/redaction.py), and the audit trail keeps no Referer.

CSRF: the posts here are exempt from the check anyway. No cookie or session signs the
patient in: the unguessable token in the URL is the only credential, so a forging site
that lacks it cannot act, and one that has it needs no browser. A CSRF token would
prove nothing more, and browsers that send no Origin or keep no cookies must still be
able to withdraw or send a message. The language switch of the status page posts to
the status page for the same reason.
"""

from __future__ import annotations

import functools
import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from audit.decorators import shows_phi
from cases.models import Case
from intake import ratelimit, services, status, tokens
from intake.forms import StatusContactForm, WithdrawForm
from intake.models import Intake


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def status_link(view):
    """Resolve the token to its intake, or answer with the 'link not working' page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        if not ratelimit.hit(request, scope="status"):
            return _private(render(request, "intake/too_many.html", status=429))
        intake, problem = tokens.lookup(token)
        if intake is None:
            return _private(
                render(request, "intake/link_invalid.html", {"problem": problem}, status=404)
            )
        return _private(view(request, intake, token))

    return wrapper


def _plain_status(intake: Intake, case: Case | None) -> str:
    if intake.status == Intake.Status.WITHDRAWN:
        return _("You withdrew your consent. We have stopped working on your request.")
    if case is None or case.status == Case.Status.OPEN:
        return _("Received. It is waiting for a member of the clinic staff to review it.")
    if case.status == Case.Status.CLAIMED:
        return _("A member of the clinic staff is working on your request.")
    return _("Closed: %(outcome)s.") % {"outcome": case.get_disposition_display()}


def _contact_initial(intake: Intake) -> dict:
    initial = services.intake_initial(intake, "contact")
    initial.pop("full_name")
    initial.pop("date_of_birth")
    return initial


def _page(request, intake, token, *, contact_form=None, withdraw_form=None, status_code=200):
    case = status.case_of(intake)
    status.intake_status_view(request=request, intake=intake)
    return render(
        request,
        "intake/status.html",
        {
            "intake": intake,
            "case": case,
            "plain_status": _plain_status(intake, case),
            "token": token,
            "open": intake.status == Intake.Status.SUBMITTED,
            "contact_form": contact_form or StatusContactForm(initial=_contact_initial(intake)),
            "withdraw_form": withdraw_form or WithdrawForm(),
        },
        status=status_code,
    )


@csrf_exempt
@shows_phi
@require_http_methods(["GET", "HEAD", "POST"])
@status_link
def status_page(request: HttpRequest, intake: Intake, token: str) -> HttpResponse:
    """Status in plain words, the contact details on file, export and withdrawal.

    A post switches the language of these pages and comes back here (exempt from the
    CSRF check like every post of the status link, unlike Django's set_language).
    """
    if request.method == "POST":
        return _switch_language(request, token)
    return _page(request, intake, token)


def _switch_language(request: HttpRequest, token: str) -> HttpResponse:
    language = request.POST.get("language", "")
    response = redirect("intake:status", token)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        )
    return response


@csrf_exempt
@shows_phi
@require_POST
@status_link
def status_contact(request: HttpRequest, intake: Intake, token: str) -> HttpResponse:
    """Update phone, e-mail, preferred contact and voicemail from the status link."""
    if intake.status != Intake.Status.SUBMITTED:
        return redirect("intake:status", token)
    form = StatusContactForm(request.POST)
    if not form.is_valid():
        return _page(request, intake, token, contact_form=form, status_code=400)
    status.intake_update_contact(request=request, intake=intake, data=form.cleaned_data)
    messages.success(request, _("Your contact details are saved."))
    return redirect("intake:status", token)


@csrf_exempt
@shows_phi
@require_POST
@status_link
def status_export(request: HttpRequest, intake: Intake, token: str) -> HttpResponse:
    """The patient's own data as a JSON download."""
    data = status.intake_export(request=request, intake=intake)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="intake-{intake.reference}.json"'
    return response


@csrf_exempt
@shows_phi
@require_http_methods(["GET", "HEAD", "POST"])
@status_link
def status_withdraw(request: HttpRequest, intake: Intake, token: str) -> HttpResponse:
    """Withdraw consent: asks for a confirmation, then stops processing."""
    if intake.status != Intake.Status.SUBMITTED:
        return redirect("intake:status", token)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            status.intake_withdraw_consent(request=request, intake=intake)
            messages.success(
                request, _("Your consent is withdrawn. We have stopped working on your request.")
            )
            return redirect("intake:status", token)
        return _page(request, intake, token, withdraw_form=form, status_code=400)
    return redirect("intake:status", token)
