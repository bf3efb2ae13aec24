"""The triage script pages of the console (/console/scripts/), for clinical leads.

Clinicians (who hold ``edit_triage_script``) make a draft from the active version,
edit its phrases with their examples, and run the validation and the shadow run;
a supervisor (``approve_triage_script``), never the author, approves, activates and
rolls back. Views parse, call a service, and render; the services audit each step.

No PHI: phrases, examples written by staff, figures, and case references only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.models import Team
from accounts.roles import visible_team_ids
from audit.decorators import no_phi
from console.script_forms import PhraseForm
from governance import scripts as governance
from triage.engine.effective import threshold_rules
from triage.engine.phrases import PhraseError, spelling_variants
from triage.models import TriageScript
from triage.scripts import drafts, phrasebook, services
from triage.scripts.services import ScriptLifecycleError

CLINICAL = ("nurse", "clinician", "supervisor")
SHADOW_DAYS = 14
EDIT = "accounts.edit_triage_script"
APPROVE = "accounts.approve_triage_script"


def _script_for(request: HttpRequest, pk: int) -> TriageScript:
    """A version the user may read: the base, or one of their teams' (404 otherwise)."""
    script = get_object_or_404(TriageScript.objects.select_related("team", "base"), pk=pk)
    if script.team_id is not None and script.team_id not in visible_team_ids(request.user):
        raise Http404
    return script


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _done(request: HttpRequest, script: TriageScript, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("console:script", pk=script.pk)


@require_http_methods(["GET"])
@role_required(*CLINICAL)
@no_phi
def scripts_home(request: HttpRequest) -> HttpResponse:
    """Every version of the base and of the user's teams (no patient data)."""
    teams = list(Team.objects.filter(pk__in=visible_team_ids(request.user)).order_by("name"))
    scopes = [(None, TriageScript.objects.filter(team__isnull=True))]
    scopes += [(t, TriageScript.objects.filter(team=t)) for t in teams]
    rows = []
    for team, versions in scopes:
        versions = list(versions.select_related("author", "approved_by").order_by("-version"))
        active = next((v for v in versions if v.status == TriageScript.Status.ACTIVE), None)
        rows.append({"team": team, "versions": versions[:8], "active": active})
    return render(
        request,
        "triage/scripts/home.html",
        {"scopes": rows, "can_edit": request.user.has_perm(EDIT)},
    )


@require_POST
@role_required(*CLINICAL)
@no_phi
def script_new_draft(request: HttpRequest) -> HttpResponse:
    """Make a draft from the active version of the base or of one of the user's teams."""
    _require(request, EDIT)
    scope = request.POST.get("team", "")
    team = None
    if scope != "base":
        if not scope.isdigit() or int(scope) not in visible_team_ids(request.user):
            raise Http404
        team = get_object_or_404(Team, pk=int(scope))
    try:
        draft = drafts.script_draft_from_active(team=team, author=request.user)
    except ScriptLifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("console:scripts")
    if draft.drafted_from and not phrasebook.is_phrase_script(draft.drafted_from):
        messages.warning(
            request,
            _(
                "The active version was pasted as a document in the admin: its changes are"
                " not in this draft, which starts from the base."
            ),
        )
    return _done(request, draft, _("New draft made from the active version."))


@require_http_methods(["GET"])
@role_required(*CLINICAL)
@no_phi
def script_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version: its phrase changes against the active one, its thresholds, its steps."""
    script = _script_for(request, pk)
    phrase_based = phrasebook.is_phrase_script(script)
    compared = phrasebook.compared_with(script) if phrase_based else None
    changes = phrasebook.phrase_diff(compared, script) if phrase_based else []
    query = request.GET.get("q", "").strip().lower()
    specs = phrasebook.effective_specs(script) if phrase_based else []
    found = (
        [s for s in specs if query in f"{s.key} {s.phrase} {s.pattern}".lower()][:50]
        if query
        else []
    )
    thresholds = []
    if phrase_based and not script.is_base:
        base_values = threshold_rules(script.base.document)
        for rule_id, (setting, value) in base_values.items():
            thresholds.append(
                {
                    "id": rule_id,
                    "setting": setting.replace("_", " "),
                    "base": value,
                    "value": script.threshold_overrides.get(rule_id, value),
                }
            )
    run = script.validation_run
    user = request.user
    is_draft = script.status == TriageScript.Status.DRAFT
    context = {
        "script": script,
        "phrase_based": phrase_based,
        "compared": compared,
        "changes": changes,
        "query": query,
        "found": found,
        "thresholds": thresholds,
        "run": run,
        "run_current": bool(run and run.get("content_hash") == script.content_hash),
        "shadow": script.shadow_report,
        "shadow_current": bool(
            script.shadow_report and script.shadow_report.get("content_hash") == script.content_hash
        ),
        "shadow_days": SHADOW_DAYS,
        "can_edit": is_draft and phrase_based and user.has_perm(EDIT),
        "can_approve": is_draft and user.has_perm(APPROVE) and user.pk != script.author_id,
        "blockers": services.approval_blockers(script) if is_draft else [],
        "can_activate": script.status == TriageScript.Status.APPROVED and user.has_perm(APPROVE),
        "can_roll_back": script.status == TriageScript.Status.ACTIVE and user.has_perm(APPROVE),
        "phrase_count": len(specs),
    }
    return render(request, "triage/scripts/detail.html", context)


def _phrase_page(request, script, form, key=None, current=None) -> HttpResponse:
    spelling = phrasebook.spelling_of(script, form["language"].value() or "en")
    return render(
        request,
        "triage/scripts/phrase_form.html",
        {
            "script": script,
            "form": form,
            "key": key,
            "current": current,
            "variants": spelling_variants(form["phrase"].value() or "", spelling),
            "in_base": key is not None and not script.is_base and current is not None,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CLINICAL)
@no_phi
def script_phrase_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a phrase with its examples to a draft (staff-written text only)."""
    script = _script_for(request, pk)
    _require(request, EDIT)
    form = PhraseForm(request.POST or None, initial={"kind": "crisis", "negatable": True})
    if request.method == "POST" and form.is_valid():
        try:
            row = drafts.phrase_save(
                script=script, actor=request.user, fields=form.fields_for_service()
            )
        except (PhraseError, ScriptLifecycleError) as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, script, _("Phrase %(key)s added.") % {"key": row.key})
    return _phrase_page(request, script, form)


@require_http_methods(["GET", "POST"])
@role_required(*CLINICAL)
@no_phi
def script_phrase_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Change, remove or restore one phrase of a draft (staff-written text only)."""
    script = _script_for(request, pk)
    _require(request, EDIT)
    spec = next((s for s in phrasebook.effective_specs(script) if s.key == key), None)
    row = script.phrases.filter(key=key).first()
    if spec is None and row is None:
        raise Http404
    action = request.POST.get("action", "save")
    if request.method == "POST":
        try:
            if action == "remove":
                drafts.phrase_remove(script=script, key=key, actor=request.user)
                return _done(request, script, _("Phrase %(key)s removed.") % {"key": key})
            if action == "restore":
                drafts.phrase_restore(script=script, key=key, actor=request.user)
                text = _("Phrase %(key)s is the base's again.") % {"key": key}
                return _done(request, script, text)
        except ScriptLifecycleError as exc:
            messages.error(request, str(exc))
            return redirect("console:script", pk=script.pk)
    source = spec or row
    form = PhraseForm(request.POST or None, initial=PhraseForm.initial_for(source))
    if request.method == "POST" and form.is_valid():
        try:
            drafts.phrase_save(
                script=script, actor=request.user, fields=form.fields_for_service(), key=key
            )
        except (PhraseError, ScriptLifecycleError) as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, script, _("Phrase %(key)s saved.") % {"key": key})
    return _phrase_page(request, script, form, key=key, current=spec)


@require_POST
@role_required(*CLINICAL)
@no_phi
def script_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a team draft's changed thresholds (numbers only)."""
    script = _script_for(request, pk)
    _require(request, EDIT)
    values = {}
    for name, raw in request.POST.items():
        if name.startswith("threshold:"):
            if not raw.strip().isdigit():
                messages.error(request, _("A threshold must be a whole number: %(v)s") % {"v": raw})
                return redirect("console:script", pk=script.pk)
            values[name.removeprefix("threshold:")] = int(raw)
    try:
        drafts.thresholds_save(script=script, values=values, actor=request.user)
    except ScriptLifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("console:script", pk=script.pk)
    return _done(request, script, _("Thresholds saved."))


@require_http_methods(["GET", "POST"])
@role_required(*CLINICAL)
@no_phi
def script_validation(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation run's tables (POST runs it). Figures of the clinic's labelled
    messages are counts only; blind messages are never shown."""
    script = _script_for(request, pk)
    if request.method == "POST":
        if not (request.user.has_perm(EDIT) or request.user.has_perm(APPROVE)):
            raise PermissionDenied
        try:
            script = governance.script_validate(script=script, actor=request.user)
        except ScriptLifecycleError as exc:
            messages.error(request, str(exc))
            return redirect("console:script", pk=script.pk)
        return redirect("console:script_validation", pk=script.pk)
    run = script.validation_run
    if not run:
        messages.info(request, _("This version has no validation run yet."))
        return redirect("console:script", pk=script.pk)
    return render(
        request,
        "triage/scripts/validation.html",
        {
            "script": script,
            "run": run,
            "summary": _summary(run["sets"]),
            "current": run.get("content_hash") == script.content_hash,
            "tuned": [s for s in run["sets"] if s["kind"] == "tuned"],
            "blind": [s for s in run["sets"] if s["kind"] == "blind"],
            "failing": [e for e in run["examples"] if not e["ok"]],
            "changed_examples": [e for e in run["examples"] if e["ok"]],
        },
    )


def _sum(figures: list[dict | None]) -> dict | None:
    if not figures or any(f is None for f in figures):
        return None
    total = {k: sum(f[k] for f in figures) for k in ("n", "tp", "fn", "fp", "tn")}
    crisis, calm = total["tp"] + total["fn"], total["tn"] + total["fp"]
    total["sensitivity"] = total["tp"] / crisis if crisis else None
    total["specificity"] = total["tn"] / calm if calm else None
    return total


def _summary(sets: list[dict]) -> list[dict]:
    """All tuned sets together and all blind sets together, named with their size."""
    rows = []
    for kind, name in (("tuned", _("Tuned sets")), ("blind", _("Blind sets"))):
        chosen = [s for s in sets if s["kind"] == kind and s["file"]]
        if chosen:
            draft = _sum([s["draft"] for s in chosen])
            names = ", ".join(s["name"] for s in chosen)
            rows.append(
                {
                    "name": f"{name} ({names}; n={draft['n']})",
                    "draft": draft,
                    "active": _sum([s["active"] for s in chosen]),
                }
            )
    return rows


@require_POST
@role_required(*CLINICAL)
@no_phi
def script_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Shadow run, approve, activate or roll back (each audited by its service)."""
    script = _script_for(request, pk)
    user = request.user
    try:
        if step == "shadow":
            if not (user.has_perm(EDIT) or user.has_perm(APPROVE)):
                raise PermissionDenied
            governance.script_shadow(script=script, days=SHADOW_DAYS, actor=user)
            return _done(request, script, _("Shadow run done."))
        _require(request, APPROVE)
        if step == "approve":
            services.script_approve(script=script, approver=user)
            return _done(request, script, _("Approved. It is not in use until it is activated."))
        if step == "activate":
            services.script_activate(script=script, actor=user)
            return _done(request, script, _("Active: new intakes are triaged with it now."))
        if step == "rollback":
            back = services.script_rollback(team=script.team, actor=user)
            text = _("Rolled back: %(label)s is in use.") % {
                "label": back.display_label if back else _("the base (or the shipped script)")
            }
            return _done(request, back or script, text)
    except ScriptLifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("console:script", pk=script.pk)
    raise Http404


@require_http_methods(["GET"])
@role_required(*CLINICAL)
@no_phi
def script_effective(request: HttpRequest, pk: int) -> HttpResponse:
    """Every phrase the version uses, base and team's own together (no patient data)."""
    script = _script_for(request, pk)
    specs = phrasebook.effective_specs(script) if phrasebook.is_phrase_script(script) else []
    own = set(script.phrases.values_list("key", flat=True)) if not script.is_base else set()
    return render(
        request,
        "triage/scripts/effective.html",
        {"script": script, "specs": specs, "own": own},
    )
