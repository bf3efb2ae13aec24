import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["intake:start", "accounts:login"])
def test_public_pages_render_with_skip_link_landmarks_and_crisis_lines(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<script>" not in html and "style=" not in html


def test_intake_shows_crisis_resources_in_english(client):
    response = client.get(reverse("intake:start"))

    assert "988" in response.content.decode()


def test_language_switch_serves_spanish(client):
    client.post(reverse("set_language"), {"language": "es", "next": "/intake/"})

    response = client.get(reverse("intake:start"))

    assert response.content.decode().count('lang="es"') >= 1
    assert "marque 2 para español" in response.content.decode()


def test_csp_forbids_inline_script_and_style(client):
    response = client.get(reverse("intake:start"))

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
