"""Who may open which URL: every named URL and every admin model, for every persona.

The test walks the URL configuration. Each URL name must have an entry in MATRIX
(and each model registered in the admin an entry in ADMIN_MODELS); a URL without one
fails, so a new view cannot ship without someone deciding who may use it. How to add
an entry: README, "Staff accounts and access control".

Outcomes: ALLOWED (2xx, or a redirect that is not to a sign-in step), DENIED (401,
403, or a redirect to sign-in, the code page, MFA setup or the admin login),
NOT_FOUND (404). Public entries (patients, sign-in) only have to answer without 403
or 5xx, the same way for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse

from accounts.roles import Role
from tests.factories.accounts import (
    TeamFactory,
    confirmed_totp_device,
    login_verified,
    make_staff,
    role_group,
)

ANONYMOUS = "anonymous"
PASSWORD_ONLY = "password-only"  # a superuser with every role: password given, no code
PERSONAS = [ANONYMOUS, PASSWORD_ONLY, *Role.values]

NURSE, CLINICIAN, SUPERVISOR = Role.NURSE.value, Role.CLINICIAN.value, Role.SUPERVISOR.value
ADMINISTRATOR, AUDITOR = Role.ADMINISTRATOR.value, Role.AUDITOR.value
CLINICAL = frozenset({NURSE, CLINICIAN, SUPERVISOR})
VERIFIED = frozenset(Role.values)
SIGNED_IN = VERIFIED | {PASSWORD_ONLY}

ALLOWED, DENIED, NOT_FOUND = "allowed", "denied", "not found"


@dataclass(frozen=True)
class Access:
    """Expected access to one URL in one scenario.

    ``kwargs(ctx)`` and ``data(ctx)`` build the URL arguments and POST data; ``ctx``
    has ``team`` (the persona's team), ``other_team`` (a team the persona is not in)
    and ``user`` (the persona's user, None when anonymous).
    """

    allowed: frozenset[str] = frozenset()
    not_found: frozenset[str] = frozenset()
    public: bool = False
    method: str = "get"
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    data: Callable[[SimpleNamespace], dict] | None = None
    label: str = ""
    skip: str = ""  # listed, but not requested here (say why and where it is tested)
    # A public URL that answers 503 by design when a dependency is down (/healthz with no
    # worker heartbeat in the test database): that is not a denial.
    may_be_unavailable: bool = False
    extra: dict = field(default_factory=dict)

    def expected(self, persona: str) -> str:
        if persona in self.allowed:
            return ALLOWED
        if persona in self.not_found:
            return NOT_FOUND
        return DENIED


PUBLIC = Access(public=True)


def public_with(**kwargs) -> Access:
    return Access(public=True, kwargs=lambda ctx: kwargs)


# ---- object factories for URLs that take ids ---------------------------------------


def _page(team):
    from paging.services import page_raise
    from tests.factories.paging import make_crisis_case

    case, signals = make_crisis_case(team=team)
    return page_raise(case=case, signals=signals)


def own_page(ctx) -> dict:
    return {"page_id": _page(ctx.team).pk}


def other_teams_page(ctx) -> dict:
    return {"page_id": _page(ctx.other_team).pk}


def resolve_note(ctx) -> dict:
    return {"note": "Called back, safe."}


def page_scenarios(method: str = "get", data=None) -> list[Access]:
    return [
        Access(label="own team", allowed=CLINICAL, kwargs=own_page, method=method, data=data),
        Access(
            label="other team",
            not_found=CLINICAL,
            kwargs=other_teams_page,
            method=method,
            data=data,
        ),
    ]


# ---- triage scripts (issue 18) --------------------------------------------------------


def _draft(team):
    from tests.factories.accounts import make_staff as staff
    from triage.scripts.drafts import script_draft_from_active

    return script_draft_from_active(team=team, author=staff(Role.CLINICIAN, team=team))


def script_scenarios(allowed, method="get", data=None, **extra) -> list[Access]:
    def own(ctx):
        return {"pk": _draft(ctx.team).pk, **extra}

    def other(ctx):
        return {"pk": _draft(ctx.other_team).pk, **extra}

    return [
        Access(label="own team", allowed=allowed, kwargs=own, method=method, data=data),
        Access(label="other team", not_found=CLINICAL, kwargs=other, method=method, data=data),
    ]


# ---- nurse console (issue 8): cases, overrides, signals, break-glass ----------------


def _case(team, **fields):
    from tests.factories.cases import make_case

    return make_case(team=team, **fields)


def own_case(ctx) -> dict:
    return {"case_id": _case(ctx.team).pk}


def other_teams_case(ctx) -> dict:
    return {"case_id": _case(ctx.other_team).pk}


def _with_override(team) -> dict:
    from cases.actions import case_override_request

    case = _case(team, acuity="emergent")
    requester = make_staff(Role.CLINICIAN, team=team)
    pending = case_override_request(case=case, user=requester, to_acuity="soon", reason="r")
    return {"case_id": case.pk, "override_id": pending.pk}


def _with_signal(team) -> dict:
    from tests.factories.paging import make_crisis_case

    case, signals = make_crisis_case(team=team)
    return {"case_id": case.pk, "signal_id": signals[0].pk}


def _with_signals(ctx, team) -> dict:
    """A crisis case; its signals' ids go in the POST data (one review per sentence)."""
    from tests.factories.paging import make_crisis_case

    case, signals = make_crisis_case(team=team, n_signals=2)
    ctx.signal_ids = [str(s.pk) for s in signals]
    return {"case_id": case.pk}


def _signals_review(ctx) -> dict:
    return {"signal": ctx.signal_ids, "review": "true_positive"}


def _with_page(team) -> dict:
    page = _page(team)
    return {"case_id": page.case_id, "page_id": page.pk}


def _with_break_glass(team) -> dict:
    from django.utils import timezone

    from cases.models import BreakGlassAccess

    outsider = make_staff(Role.CLINICIAN, team=TeamFactory())
    access = BreakGlassAccess.objects.create(
        case=_case(team), user=outsider, reason="ED called", expires_at=timezone.now()
    )
    return {"access_id": access.pk}


def _with_access_request(team) -> dict:
    from accounts.approvals import access_change_request

    change = access_change_request(
        kind="team_membership",
        user=make_staff(None),
        team=team,
        requested_by=make_staff(Role.ADMINISTRATOR),
    )
    return {"request_id": change.pk}


def case_scenarios(make=None, method: str = "post", data=None, other_team=None) -> list[Access]:
    """Own team: clinical roles; another team's id: 404 (no IDOR)."""
    make = make or (lambda team: {"case_id": _case(team).pk})
    return [
        Access(
            label="own team",
            allowed=CLINICAL,
            kwargs=lambda ctx: make(ctx.team),
            method=method,
            data=data,
        ),
        other_team
        or Access(
            label="other team",
            not_found=CLINICAL,
            kwargs=lambda ctx: make(ctx.other_team),
            method=method,
            data=data,
        ),
    ]


CONSOLE_MATRIX: dict[str, Access | list[Access]] = {
    "console:queue_rows": Access(allowed=CLINICAL),
    # Another team's case: 404 for nurses; clinicians are sent to the break-glass page.
    "console:case": case_scenarios(
        method="get",
        other_team=Access(
            label="other team",
            not_found=frozenset({NURSE}),
            allowed=frozenset({CLINICIAN, SUPERVISOR}),
            kwargs=other_teams_case,
        ),
    ),
    "console:break_glass": case_scenarios(
        method="get",
        other_team=Access(
            label="other team",
            not_found=frozenset({NURSE}),
            allowed=frozenset({CLINICIAN, SUPERVISOR}),
            kwargs=other_teams_case,
        ),
    ),
    # The FHIR download is PHI like the case page: clinical roles of the team only.
    "console:case_fhir_export": case_scenarios(
        method="get",
        other_team=Access(
            label="other team",
            not_found=frozenset({NURSE}),
            allowed=frozenset({CLINICIAN, SUPERVISOR}),
            kwargs=other_teams_case,
        ),
    ),
    "console:case_claim": case_scenarios(),
    "console:case_release": case_scenarios(),
    "console:case_note": case_scenarios(data=lambda ctx: {"text": "note"}),
    "console:case_contact": case_scenarios(
        data=lambda ctx: {"method": "phone", "outcome": "no_answer"}
    ),
    "console:case_override": case_scenarios(
        data=lambda ctx: {"to_acuity": "emergent", "reason": "worse"}
    ),
    "console:case_override_decide": case_scenarios(
        _with_override, data=lambda ctx: {"decision": "reject"}
    ),
    "console:case_signal_review": case_scenarios(
        _with_signal, data=lambda ctx: {"review": "true_positive"}
    ),
    "console:case_signals_review": [
        Access(
            label="own team",
            allowed=CLINICAL,
            method="post",
            kwargs=lambda ctx: _with_signals(ctx, ctx.team),
            data=_signals_review,
        ),
        Access(
            label="other team",
            not_found=CLINICAL,
            method="post",
            kwargs=lambda ctx: _with_signals(ctx, ctx.other_team),
            data=_signals_review,
        ),
    ],
    "console:case_missed_signal": case_scenarios(
        data=lambda ctx: {"category": "suicide", "note": "missed"}
    ),
    "console:case_dispose": case_scenarios(data=lambda ctx: {"disposition": "closed"}),
    "console:case_page_ack": case_scenarios(_with_page),
    # Triage scripts (issue 18): clinicians edit, supervisors approve, nurses read.
    "console:scripts": Access(allowed=CLINICAL),
    "console:script_new_draft": [
        Access(
            label="own team",
            allowed=frozenset({CLINICIAN}),
            method="post",
            data=lambda ctx: {"team": ctx.team.pk},
        ),
        Access(
            label="other team",
            not_found=frozenset({CLINICIAN}),
            method="post",
            data=lambda ctx: {"team": ctx.other_team.pk},
        ),
    ],
    "console:script": script_scenarios(allowed=CLINICAL),
    "console:script_effective": script_scenarios(allowed=CLINICAL),
    "console:script_phrase_new": script_scenarios(allowed=frozenset({CLINICIAN})),
    "console:script_phrase_edit": script_scenarios(
        allowed=frozenset({CLINICIAN}), key="en.suicide.means.pills"
    ),
    "console:script_thresholds": script_scenarios(
        allowed=frozenset({CLINICIAN}),
        method="post",
        data=lambda ctx: {"threshold:phq9.total_urgent": "18"},
    ),
    "console:script_validation": script_scenarios(allowed=CLINICAL),
    "console:script_step": script_scenarios(
        allowed=frozenset({CLINICIAN, SUPERVISOR}), method="post", step="shadow"
    ),
    "console:supervisor": Access(allowed=frozenset({SUPERVISOR})),
    "console:break_glass_review": Access(allowed=frozenset({SUPERVISOR})),
    "console:break_glass_reviewed": [
        Access(
            label="own team",
            allowed=frozenset({SUPERVISOR}),
            method="post",
            kwargs=lambda ctx: _with_break_glass(ctx.team),
        ),
        Access(
            label="other team",
            not_found=frozenset({SUPERVISOR}),
            method="post",
            kwargs=lambda ctx: _with_break_glass(ctx.other_team),
        ),
    ],
    # Admin changes that could open PHI (accounts.approvals): the team's supervisors.
    "console:access_request_decide": [
        Access(
            label="own team",
            allowed=frozenset({SUPERVISOR}),
            method="post",
            kwargs=lambda ctx: _with_access_request(ctx.team),
            data=lambda ctx: {"decision": "reject"},
        ),
        Access(
            label="other team",
            not_found=frozenset({SUPERVISOR}),
            method="post",
            kwargs=lambda ctx: _with_access_request(ctx.other_team),
            data=lambda ctx: {"decision": "reject"},
        ),
    ],
}


# ---- patient conversation (issue 9): messaging ------------------------------

MESSAGING_MATRIX: dict[str, Access | list[Access]] = {
    # Patients, through the private status link (no account); the token-less help page.
    "intake:status_help": PUBLIC,
    "intake:messaging_conversation": public_with(token="not-a-valid-token"),
    # Staff: the case's conversation, takeover and reply (own team only, no IDOR).
    "console:messaging_conversation": case_scenarios(method="get"),
    "console:messaging_take_over": case_scenarios(),
    "console:messaging_reply": case_scenarios(data=lambda ctx: {"body": "Hello"}),
    # Talk to a person and the live conversation (issue 21).
    "intake:messaging_poll": public_with(token="not-a-valid-token"),
    "intake:messaging_callback": Access(
        public=True, method="post", kwargs=lambda ctx: {"token": "not-a-valid-token"}
    ),
    "console:messaging_presence": case_scenarios(method="get"),
    "console:messaging_callback_resolve": case_scenarios(),
}


# ---- the matrix: URL name -> Access, or a list of scenarios ------------------------

MATRIX: dict[str, Access | list[Access]] = {
    # Public: patients, sign-in, health. No staff data.
    "root": PUBLIC,
    "healthz": Access(public=True, may_be_unavailable=True),
    "set_language": Access(public=True, method="post", data=lambda ctx: {"language": "en"}),
    "intake:start": PUBLIC,
    "intake:consent": PUBLIC,
    "intake:step": public_with(key="about"),
    "intake:restart": PUBLIC,
    "intake:sent": PUBLIC,
    "intake:crisis": PUBLIC,
    "intake:crisis_now": PUBLIC,
    "intake:status": public_with(token="not-a-valid-token"),
    "intake:status_contact": public_with(token="not-a-valid-token"),
    "intake:status_export": public_with(token="not-a-valid-token"),
    "intake:status_withdraw": public_with(token="not-a-valid-token"),
    "paging_public:ack": public_with(token="not-a-valid-token"),
    "paging_public:shift_confirm": public_with(token="not-a-valid-token"),
    # Sign-in steps.
    "accounts:login": PUBLIC,
    "accounts:logout": Access(public=True, method="post"),
    "accounts:verify": Access(allowed=SIGNED_IN),
    # A password alone never reaches setup once a device exists (sent to verify).
    "accounts:mfa_setup": Access(allowed=VERIFIED),
    "accounts:backup_codes": Access(allowed=VERIFIED),
    "accounts:keep_alive": Access(allowed=VERIFIED, method="post"),
    # Password reset by e-mail (tests/accounts/test_password_reset.py).
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": public_with(uidb64="not-a-user", token="not-a-token"),
    "accounts:password_reset_complete": PUBLIC,
    # Console: MFA and a clinical role (accounts.middleware.ConsoleAccessMiddleware).
    "console:home": Access(allowed=CLINICAL),
    "console:paging:oncall": Access(allowed=CLINICAL),
    "console:paging:alerts": Access(allowed=CLINICAL),
    "console:paging:figures": Access(allowed=frozenset({SUPERVISOR})),
    "console:paging:override_create": Access(allowed=frozenset({SUPERVISOR}), method="post"),
    "console:paging:page_detail": page_scenarios(),
    "console:paging:acknowledge": page_scenarios("post"),
    "console:paging:resolve": page_scenarios("post", resolve_note),
    # The alert panel (issue 17): its poll, one-tap actions, the notification link.
    "console:paging:panel": Access(allowed=CLINICAL),
    "console:paging:page_action": page_scenarios("post", lambda ctx: {"action": "acknowledge"}),
    "console:paging:act_link": Access(
        not_found=CLINICAL, kwargs=lambda ctx: {"token": "not-a-valid-token"}
    ),
    # Admin site: staff status and MFA. Model pages: ADMIN_MODELS below.
    "admin:index": Access(allowed=frozenset({ADMINISTRATOR, AUDITOR})),
    # Nurse console (issue 8): see CONSOLE_MATRIX above.
    **CONSOLE_MATRIX,
    # Patient conversation (issue 9): see MESSAGING_MATRIX above.
    **MESSAGING_MATRIX,
}

# Admin: who may open each registered model's list ("app_label.model" -> roles).
_ADMINS = frozenset({ADMINISTRATOR})
_AUDITORS = frozenset({AUDITOR})
_ADMINS_AND_AUDITORS = _ADMINS | _AUDITORS
ADMIN_MODELS: dict[str, frozenset[str]] = {
    "accounts.user": _ADMINS,
    "accounts.team": _ADMINS,
    "accounts.accesschangerequest": _ADMINS,
    "auth.group": _ADMINS,
    "axes.accessattempt": _ADMINS,
    "axes.accessfailurelog": _ADMINS,
    "axes.accesslog": _ADMINS,
    "otp_totp.totpdevice": _ADMINS,
    "otp_static.staticdevice": _ADMINS,
    "auditlog.logentry": _AUDITORS,
    "audit.accessevent": _AUDITORS,
    "audit.chainanchor": _AUDITORS,
    "intake.consentdocument": _ADMINS,
    "intake.consent": _ADMINS,
    "intake.intake": _ADMINS,
    "triage.triagescript": _ADMINS,
    "triage.crisismodel": _ADMINS,
    "paging.oncallschedule": _ADMINS_AND_AUDITORS,
    "paging.escalationpolicy": _ADMINS_AND_AUDITORS,
    "paging.webhookendpoint": _ADMINS_AND_AUDITORS,
    "paging.page": _ADMINS_AND_AUDITORS,
    "paging.notification": _ADMINS_AND_AUDITORS,
    "paging.shiftconfirmation": _ADMINS_AND_AUDITORS,
    # SMS: a provider secret and staff phone numbers, for the administrators alone.
    "paging.smsaccount": _ADMINS,
    "paging.pagingphone": _ADMINS,
    "messaging.conversation": _ADMINS_AND_AUDITORS,
    "messaging.patientnotice": _ADMINS_AND_AUDITORS,
    "messaging.clinicprofile": _ADMINS,
}


# ---- walking the URL configuration -------------------------------------------------


def walk_url_names(patterns=None, namespaces: tuple[str, ...] = ()) -> list[str]:
    """Every URL name outside the admin, namespaced (``console:paging:oncall``)."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == admin.site.name:
                continue  # the admin is covered model by model below
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            names += walk_url_names(pattern.url_patterns, inner)
        else:
            name = pattern.name or f"<unnamed: {pattern.pattern}>"
            names.append(":".join((*namespaces, name)))
    return sorted(set(names))


def admin_changelists() -> dict[str, str]:
    """URL name of each registered model's list -> "app_label.model"."""
    return {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist": m._meta.label_lower
        for m in admin.site._registry
    }


def scenarios(url_name: str) -> list[Access | None]:
    if url_name in admin_changelists():
        roles = ADMIN_MODELS.get(admin_changelists()[url_name])
        return [None] if roles is None else [Access(allowed=roles)]
    entry = MATRIX.get(url_name)
    if entry is None:
        return [None]
    return entry if isinstance(entry, list) else [entry]


ALL_NAMES = [*walk_url_names(), "admin:index", *sorted(admin_changelists())]
CASES = [
    pytest.param(name, index, persona, id=f"{name}[{access.label if access else '?'}]-{persona}")
    for name in ALL_NAMES
    for index, access in enumerate(scenarios(name))
    for persona in PERSONAS
]


def sign_in_paths() -> set[str]:
    return {
        reverse(name)
        for name in ("accounts:login", "accounts:verify", "accounts:mfa_setup", "admin:login")
    }


def outcome(response) -> str:
    status = response.status_code
    if status == 404:
        return NOT_FOUND
    if status in (401, 403):
        return DENIED
    if 300 <= status < 400 and urlsplit(response["Location"]).path in sign_in_paths():
        return DENIED
    if status < 400:
        return ALLOWED
    return f"unexpected status {status}"


def sign_in(client, persona: str, team):
    if persona == ANONYMOUS:
        return None
    if persona == PASSWORD_ONLY:
        # Every role, staff and superuser: anything denied is denied for the missing
        # second factor alone.
        user = make_staff(Role.NURSE, team=team, is_staff=True, is_superuser=True)
        user.groups.add(*(role_group(role) for role in Role.values))
        confirmed_totp_device(user)
        client.force_login(user)  # password accepted, no second factor
        return user
    clinical = persona in CLINICAL
    user = make_staff(persona, team=team if clinical else None)
    login_verified(client, user)
    return user


def request_as(client, persona: str, url_name: str, access: Access):
    """Sign ``client`` in as ``persona``, build the scenario's data and send its request;
    returns (url, response). Shared with other walks over every URL (e.g. the console's
    cache headers, tests/accounts/test_console_cache_headers.py)."""
    ctx = SimpleNamespace(team=TeamFactory(), other_team=TeamFactory())
    ctx.user = sign_in(client, persona, ctx.team)
    url = reverse(url_name, kwargs=access.kwargs(ctx) if access.kwargs else None)
    data = access.data(ctx) if access.data else {}
    return url, getattr(client, access.method)(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "scenario", "persona"), CASES)
def test_url_access(client, url_name, scenario, persona):
    access = scenarios(url_name)[scenario]
    if access is None:
        pytest.fail(
            f"{url_name!r} has no entry in the access matrix: add it to MATRIX (or, for an"
            f" admin model, to ADMIN_MODELS) in {__name__}, saying who may use it."
        )
    if access.skip:
        pytest.skip(access.skip)

    url, response = request_as(client, persona, url_name, access)

    if access.public:
        unavailable = access.may_be_unavailable and response.status_code == 503
        assert (response.status_code < 500 or unavailable) and response.status_code != 403, (
            f"public {url} answered {response.status_code} for {persona}"
        )
        return
    assert outcome(response) == access.expected(persona), (
        f"{access.method.upper()} {url} as {persona}: got {response.status_code}"
        f" {response.get('Location', '')}"
    )


def test_the_walk_finds_console_admin_and_sign_in_urls():
    # Guards the walker itself: if it found nothing, the matrix test would prove nothing.
    assert {"console:home", "accounts:login", "admin:index"} <= set(ALL_NAMES)
    assert "admin:accounts_user_changelist" in ALL_NAMES


def test_matrix_has_no_entries_for_urls_that_no_longer_exist():
    stale = set(MATRIX) - set(ALL_NAMES)
    stale_models = set(ADMIN_MODELS) - set(admin_changelists().values())
    assert not stale and not stale_models
