import pytest

from audit.models import AccessEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]


def test_every_response_carries_a_request_id(client):
    response = client.get("/about/")

    assert len(response["X-Request-ID"]) == 32


def test_a_well_formed_request_id_from_the_proxy_is_kept(client):
    response = client.get("/about/", HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response["X-Request-ID"] == "lb-7f3a.42"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/about/", HTTP_X_REQUEST_ID="<script>")

    assert response["X-Request-ID"] != "<script>"
    assert response["X-Request-ID"].isalnum()


def test_the_client_address_follows_the_axes_header_setting(admin_client, settings):
    from accounts.models import Team

    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    team = Team.objects.create(name="T", slug="t")

    # The client sent a forged first entry; the proxy appended the address it saw.
    admin_client.get(
        f"/teams/{team.pk}/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.1"
    )

    assert AccessEvent.objects.get().client_address == "203.0.113.9"


def test_the_remote_address_is_used_by_default(admin_client):
    from accounts.models import Team

    team = Team.objects.create(name="T", slug="t")

    admin_client.get(f"/teams/{team.pk}/", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert AccessEvent.objects.get().client_address == "127.0.0.1"
