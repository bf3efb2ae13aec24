"""One reading of the client address, safe against forged X-Forwarded-For chains."""

import pytest
from django.test import RequestFactory

from lib.client_address import client_address, trusts_proxy_headers

PROXY = "10.0.0.2"
CLIENT = "203.0.113.9"


def request_with(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_uses_the_remote_address_by_default(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0

    assert client_address(request_with(f"198.51.100.1, {CLIENT}")) == PROXY


def test_it_ignores_a_forwarded_header_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_with("198.51.100.1", remote=CLIENT)) == CLIENT


@pytest.mark.parametrize(
    "forwarded",
    [
        CLIENT,
        f"198.51.100.77, {CLIENT}",
        f"1.1.1.1, 2.2.2.2, 3.3.3.3, {CLIENT}",
        f"not-an-address, {CLIENT}",
        f"<script>,, {CLIENT}",
        f"  {CLIENT}  ",
    ],
)
def test_behind_one_proxy_it_takes_the_entry_that_proxy_appended(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_with(forwarded)) == CLIENT


def test_behind_two_proxies_it_takes_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    # The client forged two entries; the CDN appended the client, the load balancer the CDN.
    request = request_with(f"198.51.100.1, 198.51.100.2, {CLIENT}, 192.0.2.10")

    assert client_address(request) == CLIENT


@pytest.mark.parametrize(
    ("count", "forwarded"),
    [
        (1, None),
        (1, ""),
        (2, CLIENT),
        (3, f"198.51.100.1, {CLIENT}"),
        (1, "198.51.100.1, garbage"),
        (1, f"{CLIENT}, "),
        (1, f"{CLIENT}:4711"),
        (1, "fe80::1%eth0"),
        (2, f"{CLIENT}, not-the-proxy"),
    ],
)
def test_it_falls_back_to_the_remote_address_when_the_chain_is_short_or_malformed(
    settings, count, forwarded
):
    settings.TRUSTED_PROXY_COUNT = count

    assert client_address(request_with(forwarded)) == PROXY


def test_it_normalises_ipv6_addresses(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_with("2001:DB8:0:0::1")) == "2001:db8::1"


def test_it_returns_none_when_no_address_is_usable(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_with("garbage", remote="")) is None


def test_proxy_headers_are_trusted_only_with_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert not trusts_proxy_headers()

    settings.TRUSTED_PROXY_COUNT = 1
    assert trusts_proxy_headers()


def test_axes_reads_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1

    assert get_client_ip_address(request_with(f"198.51.100.1, {CLIENT}")) == CLIENT
