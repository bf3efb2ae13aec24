import pytest

from audit.models import AccessEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]


def test_every_response_carries_a_request_id(client):
    response = client.get("/about/")

    assert len(response["X-Request-ID"]) == 32


def test_a_well_formed_request_id_from_a_trusted_proxy_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/about/", HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response["X-Request-ID"] == "lb-7f3a.42"


def test_a_request_id_from_the_client_is_replaced_without_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/about/", HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response["X-Request-ID"] != "lb-7f3a.42"
    assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"].isalnum()


def test_a_malformed_request_id_is_replaced(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/about/", HTTP_X_REQUEST_ID="<script>")

    assert response["X-Request-ID"] != "<script>"
    assert response["X-Request-ID"].isalnum()


def test_the_audit_event_records_a_client_supplied_request_id_only_from_a_proxy(
    admin_client, settings
):
    from accounts.models import Team

    team = Team.objects.create(name="T", slug="t")

    admin_client.get(f"/teams/{team.pk}/", HTTP_X_REQUEST_ID="forged-by-client")
    settings.TRUSTED_PROXY_COUNT = 1
    admin_client.get(f"/teams/{team.pk}/", HTTP_X_REQUEST_ID="lb-7f3a.42")

    first, second = AccessEvent.objects.order_by("sequence")
    assert first.request_id != "forged-by-client" and len(first.request_id) == 32
    assert second.request_id == "lb-7f3a.42"


def test_the_client_address_is_the_one_the_trusted_proxy_appended(admin_client, settings):
    from accounts.models import Team

    settings.TRUSTED_PROXY_COUNT = 1
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
