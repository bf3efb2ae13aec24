"""The intake pages: start, consent, one page per step, review, sent / crisis.

The draft is tied to the browser session (its id is in the session, never in a URL).
Intake pages only ever show the patient, in their own session, what they typed
themselves: no one else's PHI and no staff reading, so they are marked ``no_phi``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.decorators import no_phi
from cases.models import Case
from intake import hours, ratelimit, services, source, spamguard, steps, tokens
from intake.forms import STEP_FORMS, ConsentForm
from intake.models import Intake
from intake.screeners import screener
from lib import phi

DRAFT_KEY = "intake_draft"
DONE_KEY = "intake_done"
# Where "Go back to the form" leads from the crisis screen shown during the intake.
CRISIS_NOW_KEY = "intake_crisis_now"


def _language() -> str:
    code = (get_language() or "en").split("-")[0]
    return code if code in ("en", "es") else "en"


def _draft(request: HttpRequest) -> Intake | None:
    intake_id = request.session.get(DRAFT_KEY)
    if not intake_id:
        return None
    return Intake.objects.filter(pk=intake_id, status=Intake.Status.DRAFT).first()


def unavailable(request: HttpRequest, status: int = 503) -> HttpResponse:
    return render(request, "intake/unavailable.html", status=status)


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "intake/too_many.html", status=429)
    response["Retry-After"] = "600"
    return response


def _spam_refused(form, verdict: str = spamguard.SPAM) -> None:
    if verdict == spamguard.STALE:
        # A genuine page left open too long or opened in another window: say so plainly.
        form.add_error(
            None,
            _(
                "This page was open for too long, or in another window. Your answers are"
                " still below: please check them and send the page again."
            ),
        )
        return
    form.add_error(
        None, _("We could not accept this form. Please wait a moment, check it and send it again.")
    )


def _progress(current: str, intake: Intake | None) -> list[dict]:
    reachable = intake.step if intake else 0
    current_progress = steps.BY_KEY[current].progress
    return [
        {
            "title": step.title,
            "current": step.key == current_progress,
            "done": steps.index(step.key) < steps.index(current_progress),
            "url": reverse("intake:step", args=[step.key])
            if intake and step.key != "consent" and steps.index(step.key) <= reachable
            else "",
        }
        for step in steps.PROGRESS
    ]


def _context(request: HttpRequest, step: str, draft: Intake | None, form, **extra) -> dict:
    previous = steps.previous_key(step, draft.answers if draft else None)
    return {
        "step": steps.BY_KEY[step],
        "progress": _progress(step, draft),
        "number": [s.key for s in steps.PROGRESS].index(steps.BY_KEY[step].progress) + 1,
        "total": len(steps.PROGRESS),
        "form": form,
        "back_url": reverse("intake:step", args=[previous])
        if previous not in (None, "consent")
        else "",
        "honeypot": spamguard.HONEYPOT_FIELD,
        "timestamp_field": spamguard.TIMESTAMP_FIELD,
        "shown_at": spamguard.timestamp_token(request.session, step),
        **extra,
    }


@no_phi
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Welcome and choice of language; nothing is stored."""
    return render(request, "intake/start.html", {"draft": _draft(request) is not None})


@no_phi
@require_http_methods(["GET", "HEAD", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    """Step 1: the consent text of the current language; agreeing opens the draft."""
    intake = _draft(request)
    if intake is not None:
        return redirect("intake:step", _resume_key(intake))
    language = _language()
    document = services.consent_document_active(language)
    if document is None:
        return unavailable(request)
    if request.method == "POST":
        if not ratelimit.hit(request):
            return too_many(request)
        form = ConsentForm(request.POST)
        valid = form.is_valid()
        verdict = spamguard.check(request.POST, request.session, "consent")
        if verdict != spamguard.OK:
            _spam_refused(form, verdict)
        elif valid and form.cleaned_data["document"] != document.pk:
            form.add_error(
                None,
                _("The consent text changed while you were reading it. Please read it again."),
            )
        elif valid:
            try:
                intake = services.intake_start(document=document, language=language)
            except services.NoIntakeTeam:
                return unavailable(request)
            request.session.cycle_key()
            request.session[DRAFT_KEY] = str(intake.pk)
            return source.remember_device(request, redirect("intake:step", "contact"))
        status = 400
    else:
        form = ConsentForm(initial={"document": document.pk})
        status = 200
    response = render(
        request,
        "intake/consent.html",
        _context(request, "consent", None, form, document=document),
        status=status,
    )
    return source.remember_device(request, response)


def _resume_key(intake: Intake) -> str:
    """The furthest page the patient may open (never a follow-up no longer asked)."""
    key = steps.KEYS[intake.step]
    if key == "asq_now" and not steps.asq_now_needed(intake.answers):
        return "asq"
    return key


def _form_for(step: str, intake: Intake, data=None):
    cls = STEP_FORMS[step]
    kwargs = {"language": intake.language} if hasattr(cls, "screener_key") else {}
    if "language" in kwargs:
        kwargs["language"] = _language()
    if data is None:
        return cls(initial=services.intake_initial(intake, step), **kwargs)
    return cls(data, **kwargs)


def _after_save(step: str, intake: Intake) -> str:
    """Where a saved page leads: the next page, or back to the review once all is there."""
    if intake.step >= steps.index("review") and services.intake_first_incomplete(intake) is None:
        return "review"
    return steps.next_key(step, intake.answers)


@no_phi
@require_http_methods(["GET", "HEAD", "POST"])
def step(request: HttpRequest, key: str) -> HttpResponse:
    """One page of the intake; every post saves what is valid, even when something is not."""
    if key not in steps.KEYS or key == "consent":
        raise Http404
    intake = _draft(request)
    if intake is None:
        return redirect("intake:consent")
    skipped = key == "asq_now" and not steps.asq_now_needed(intake.answers)
    if steps.index(key) > intake.step or skipped:
        return redirect("intake:step", _resume_key(intake))
    if key == "review":
        return review(request, intake)
    status = 200
    if request.method == "POST":
        if not ratelimit.hit(request):
            return too_many(request)
        form = _form_for(key, intake, request.POST)
        valid = form.is_valid()
        verdict = spamguard.check(request.POST, request.session, key)
        if verdict == spamguard.SPAM:
            _spam_refused(form)
        else:
            # A stale token (the page open too long, or in another window) on this
            # session's own draft: keep the valid answers but do not move on. What was
            # written is still scanned: a crisis never waits for a second send (a flood
            # gains nothing from it: fresh tokens are free, and pages are grouped).
            stale = verdict == spamguard.STALE
            if stale:
                _spam_refused(form, verdict)
            moves_on = valid and not stale
            intake = services.intake_save_step(
                intake=intake, step=key, data=form.cleaned_data, complete=moves_on,
                language=_language(),
            )  # fmt: skip
            keys = source.request_keys(request)
            if services.intake_crisis_check(intake=intake, step=key, source_keys=keys):
                request.session[CRISIS_NOW_KEY] = _after_save(key, intake) if moves_on else key
                return redirect("intake:crisis_now")
            if moves_on:
                return redirect("intake:step", _after_save(key, intake))
        status = 400
    else:
        form = _form_for(key, intake)
    extra = {}
    if key in ("phq9", "gad7", "asq", "asq_now"):
        extra["screener"] = form.screener
    response = render(
        request,
        f"intake/step_{key}.html",
        _context(request, key, intake, form, **extra),
        status=status,
    )
    return source.remember_device(request, response)


def _summary(intake: Intake) -> list[dict]:
    """The review page: each section with its answers in words and a link to change it."""
    answers = intake.answers or {}
    sections = []
    for key in ("phq9", "gad7", "asq"):
        s = screener(key, _language())
        labels = dict(s.options)
        values = answers.get(key) or []
        if isinstance(values, dict):  # the ASQ, by question
            values = [values.get(f"q{n}") for n in range(1, 6)]
        rows = [
            (item, labels.get(str(v), ""))
            for item, v in zip(s.items, values, strict=False)
            if v is not None
        ]
        if key == "phq9" and answers.get("phq9_difficulty") is not None:
            question, options = s.difficulty
            rows.append((question, dict(options).get(str(answers["phq9_difficulty"]), "")))
        sections.append({"key": key, "title": steps.BY_KEY[key].title, "rows": rows})
    return sections


def review(request: HttpRequest, intake: Intake) -> HttpResponse:
    form_cls = STEP_FORMS["review"]
    status = 200
    if request.method == "POST":
        if not ratelimit.hit(request):
            return too_many(request)
        form = form_cls(request.POST)
        form.is_valid()
        verdict = spamguard.check(request.POST, request.session, "review")
        if verdict != spamguard.OK:
            _spam_refused(form, verdict)
            status = 400
        else:
            try:
                submission = services.intake_submit(
                    intake=intake, source_keys=source.request_keys(request)
                )
            except services.IntakeIncomplete as exc:
                messages.error(
                    request, _("Some answers are missing on this page. Please answer them.")
                )
                return redirect("intake:step", exc.step)
            except services.IntakeError:
                return redirect("intake:start")
            del request.session[DRAFT_KEY]
            request.session[DONE_KEY] = {
                "id": str(intake.pk),
                "token": phi.seal(submission.status_token, _done_aad(intake.pk)),
            }
            return redirect("intake:crisis" if submission.crisis else "intake:sent")
    else:
        form = form_cls()
    return render(
        request,
        "intake/step_review.html",
        _context(request, "review", intake, form, intake=intake, sections=_summary(intake)),
        status=status,
    )


def _done_aad(intake_id) -> bytes:
    # The token is kept in the session sealed, so the session table never holds it.
    return f"session|{intake_id}|status_token".encode()


def _done(request: HttpRequest):
    done = request.session.get(DONE_KEY) or {}
    case = Case.objects.filter(intake_id=done.get("id")).select_related("intake").first()
    if case is None:
        return None, ""
    try:
        token = phi.open_sealed(done["token"], _done_aad(case.intake_id))
    except (phi.PHIDecryptionError, KeyError):
        return None, ""
    if tokens.lookup(token)[0] is None:
        return None, ""
    return case, request.build_absolute_uri(reverse("intake:status", args=[token]))


def _private(response: HttpResponse) -> HttpResponse:
    # The status link is in the body, not the URL: no Referer to hide here (and a
    # no-referrer page could not post its language switch), but nothing is cached.
    response["Cache-Control"] = "no-store"
    return response


@no_phi
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    """Confirmation: reference, private link, what happens next and when (no PHI shown)."""
    case, link = _done(request)
    if case is None:
        return redirect("intake:start")
    if case.crisis:
        return redirect("intake:crisis")
    now = timezone.now()
    context = {
        "case": case,
        "status_link": link,
        "opens_at": hours.next_opening(now, tz=case.team.time_zone),
        "is_open": hours.is_open(now, tz=case.team.time_zone),
        "contact_by": hours.contact_by(case.due_at, tz=case.team.time_zone),
        "link_days": settings.STATUS_LINK_DAYS,
    }
    return _private(render(request, "intake/sent.html", context))


@no_phi
@require_safe
def crisis(request: HttpRequest) -> HttpResponse:
    """The crisis page: crisis lines first, then that a person has been alerted."""
    case, link = _done(request)
    if case is None:
        return redirect("intake:start")
    return _private(
        render(
            request,
            "intake/crisis.html",
            {"case": case, "status_link": link, "link_days": settings.STATUS_LINK_DAYS},
        )
    )


@no_phi
@require_safe
def crisis_now(request: HttpRequest) -> HttpResponse:
    """The crisis screen during the intake: the nurse is paged already; the form waits."""
    intake = _draft(request)
    case = Case.objects.filter(intake=intake).first() if intake else None
    if case is None:
        return redirect("intake:start")
    next_step = request.session.get(CRISIS_NOW_KEY) or _resume_key(intake)
    if next_step not in steps.KEYS:
        next_step = _resume_key(intake)
    context = {"case": case, "next_step": next_step}
    return _private(render(request, "intake/crisis_now.html", context))


@no_phi
@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    """Delete the unsent draft of this browser (the patient wants to start over)."""
    intake = _draft(request)
    if intake is not None:
        services.intake_discard(intake=intake)
    request.session.pop(DRAFT_KEY, None)
    return redirect("intake:start")
