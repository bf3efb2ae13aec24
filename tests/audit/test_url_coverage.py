"""Every console and intake-status view says whether it shows PHI, and every view that
does is exercised here to prove it writes an access event in the same request.

To register a view (README, "Audit trail"):
* mark it ``@no_phi`` (shows no PHI) or ``@shows_phi`` (calls ``record_access``);
* for ``@shows_phi``, add its URL name to PHI_VIEWS below: a function that takes the
  test client, creates what the view needs, signs the client in as someone allowed
  to see it, and returns ``(method, url, data)`` or ``(method, url, data, headers)``.
  The test makes that request and requires an AccessEvent carrying the response's
  X-Request-ID.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from audit.decorators import MARKER, NO_PHI, SHOWS_PHI
from audit.models import AccessEvent
from tests.factories.accounts import login_verified, make_staff

# URL names (with namespaces) in scope: the console, and the patient's status link.
IN_SCOPE = ("console:", "intake:status")

Request = tuple  # (method, url, data) or (method, url, data, headers)


def _status_link(name: str, method: str = "get", data: dict | None = None):
    def build(client) -> Request:
        from intake import tokens
        from tests.factories.cases import make_intake

        intake = make_intake()
        token = tokens.issue(intake)
        intake.save()
        return method, reverse(name, args=[token]), data

    return build


def _page_detail(client) -> Request:
    from paging.services.pages import page_raise
    from tests.factories.cases import make_case, make_team

    team = make_team()
    login_verified(client, make_staff(Role.NURSE, team=team))
    page = page_raise(case=make_case(team=team, crisis=True), signals=[])
    return "get", reverse("console:paging:page_detail", args=[page.pk]), None


def _console_case(client) -> Request:
    from tests.factories.cases import make_team
    from tests.factories.console import make_triaged_case

    team = make_team()
    login_verified(client, make_staff(Role.NURSE, team=team))
    return "get", reverse("console:case", args=[make_triaged_case(team).pk]), None


def _case_fhir_export(client) -> Request:
    from tests.factories.cases import make_team
    from tests.factories.console import make_triaged_case

    team = make_team()
    login_verified(client, make_staff(Role.NURSE, team=team))
    return "get", reverse("console:case_fhir_export", args=[make_triaged_case(team).pk]), None


def _case_form(name: str):
    """A case form posted empty: the case page comes back with the errors (issue 17)."""

    def build(client) -> Request:
        from tests.factories.cases import make_team
        from tests.factories.console import make_triaged_case

        team = make_team()
        login_verified(client, make_staff(Role.NURSE, team=team))
        return "post", reverse(name, args=[make_triaged_case(team).pk]), {}

    return build


def _break_glass_review(client) -> Request:
    from tests.factories.cases import make_team

    login_verified(client, make_staff(Role.SUPERVISOR, team=make_team()))
    return "get", reverse("console:break_glass_review"), None


def _conversation(name: str, method: str = "get", data: dict | None = None):
    """Patient conversation (issue 9): a nurse of the case's team."""

    def build(client) -> Request:
        from tests.factories.cases import make_case, make_team

        team = make_team()
        login_verified(client, make_staff(Role.NURSE, team=team))
        return method, reverse(name, args=[make_case(team=team).pk]), data

    return build


def _callback_resolve(client) -> Request:
    """Talk to a person (issue 21): a nurse marks the patient's open request answered."""
    from messaging.callbacks import callback_request_create
    from tests.factories.cases import make_case, make_team

    team = make_team()
    login_verified(client, make_staff(Role.NURSE, team=team))
    case = make_case(team=team)
    callback_request_create(case=case, channel="phone", source="button")
    return "post", reverse("console:messaging_callback_resolve", args=[case.pk]), None


PHI_VIEWS: dict[str, Callable[..., Request]] = {
    "intake:status": _status_link("intake:status"),
    # An invalid form re-renders the status page (PHI shown, event written).
    "intake:status_contact": _status_link("intake:status_contact", "post", {}),
    "intake:status_export": _status_link("intake:status_export", "post", {}),
    "intake:status_withdraw": _status_link("intake:status_withdraw", "post", {}),
    "console:paging:page_detail": _page_detail,
    # Nurse console (issue 8).
    "console:case": _console_case,
    "console:case_fhir_export": _case_fhir_export,
    "console:break_glass_review": _break_glass_review,
    # An invalid case form re-renders the case page with what was typed (issue 17).
    "console:case_note": _case_form("console:case_note"),
    "console:case_contact": _case_form("console:case_contact"),
    "console:case_override": _case_form("console:case_override"),
    "console:case_missed_signal": _case_form("console:case_missed_signal"),
    "console:case_dispose": _case_form("console:case_dispose"),
    # Patient conversation (issue 9); a POST renders the conversation after it.
    "console:messaging_conversation": _conversation("console:messaging_conversation"),
    "console:messaging_take_over": _conversation("console:messaging_take_over", "post"),
    "console:messaging_reply": _conversation("console:messaging_reply", "post", {"body": "Hi"}),
    "console:messaging_callback_resolve": _callback_resolve,
}


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, Callable]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry.callback


def views_in_scope() -> dict[str, Callable]:
    return {
        name: callback
        for name, callback in _walk(get_resolver().url_patterns)
        if name.startswith(IN_SCOPE)
    }


VIEWS = views_in_scope()
PHI_MARKED = sorted(name for name, view in VIEWS.items() if getattr(view, MARKER, "") == SHOWS_PHI)


def test_the_walk_finds_the_console():
    assert "console:home" in VIEWS


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_console_and_status_view_is_marked(name):
    marker = getattr(VIEWS[name], MARKER, None)

    assert marker in {SHOWS_PHI, NO_PHI}, (
        f"{name} is neither @shows_phi nor @no_phi (audit.decorators): mark it."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", PHI_MARKED)
def test_every_phi_view_writes_an_access_event(client, name):
    assert name in PHI_VIEWS, f"{name} shows PHI: register it in PHI_VIEWS in {__file__}"
    method, url, data, *rest = PHI_VIEWS[name](client)
    headers = rest[0] if rest else {}

    response = getattr(client, method)(url, data or {}, headers=headers)

    assert response.status_code < 500, response.status_code
    request_id = response["X-Request-ID"]
    assert AccessEvent.objects.filter(request_id=request_id).exists(), (
        f"{name} answered {response.status_code} without writing an access event"
    )


def test_the_registry_names_only_views_that_exist_and_show_phi():
    assert set(PHI_VIEWS) <= set(PHI_MARKED)
