"""No console response may be stored by a browser or a proxy (pen test issue 16,
finding 6): case, conversation and queue pages show PHI. Walks every console URL of
the access matrix, in each of its scenarios, for every persona, so allowed pages,
htmx fragments, sign-in redirects, 403s and 404s are all covered."""

import pytest

from tests.accounts.test_url_access_matrix import CASES, request_as, scenarios

CONSOLE_CASES = [case for case in CASES if case.values[0].startswith("console:")]


def _assert_not_stored(response, what: str) -> None:
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, f"{what}: Cache-Control {cache_control!r}"


def test_the_walk_covers_the_case_conversation_and_queue_pages():
    names = {case.values[0] for case in CONSOLE_CASES}

    assert {"console:home", "console:case", "console:messaging_conversation"} <= names
    assert "console:queue_rows" in names


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "scenario", "persona"), CONSOLE_CASES)
def test_every_console_response_is_not_stored(client, url_name, scenario, persona):
    access = scenarios(url_name)[scenario]
    if access is None or access.skip:
        pytest.skip("not in the access matrix (test_url_access_matrix.py fails for it)")

    url, response = request_as(client, persona, url_name, access)

    _assert_not_stored(response, f"{access.method.upper()} {url} as {persona}")


@pytest.mark.django_db
def test_an_unknown_console_path_is_not_stored_either(client):
    response = client.get("/console/no-such-page/")

    assert response.status_code in (302, 404)
    _assert_not_stored(response, "GET /console/no-such-page/")
