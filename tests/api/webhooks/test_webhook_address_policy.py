"""The webhook address policy as pure functions over addresses and URLs: no connection is made.
Every internal spelling is refused (loopback, private, link-local and metadata, unspecified,
multicast, reserved, shared, IPv4 inside IPv6, numeric forms resolvers accept), public addresses
pass, and an operator's allow-list opens exactly what it names."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from okrank.api.webhooks.address_policy import (
    AddressPolicy,
    host_address,
    ipv4_literal,
    parse_networks,
    refused_name,
)
from okrank.api.webhooks.settings import WebhookSettings
from okrank.api.webhooks.transport import (
    ADDRESS_NOT_ALLOWED,
    CONNECTION_ERROR,
    FAILED,
    TIMEOUT,
    AddressNotAllowed,
    failure_reason,
    shown_error,
)
from okrank.api.webhooks.url import SECRET_MAX, URL_MAX, secret_problem, url_problem

DEFAULT = AddressPolicy()
LOOPBACK_ALLOWED = AddressPolicy(parse_networks("127.0.0.0/8, ::1"))

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.5",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "169.254.0.1",
    "100.64.0.1",  # shared (carrier-grade NAT)
    "100.127.255.254",
    "192.0.0.1",
    "192.0.2.1",
    "198.18.0.1",  # benchmarking
    "198.51.100.1",
    "203.0.113.1",
    "192.88.99.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd00:ec2::254",  # AWS metadata over IPv6
    "fec0::1",
    "ff02::1",
    "2001:db8::1",
    "100::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::10.0.0.1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b:1::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2001:4860:4860::8888", "2606:4700::1111"]


@pytest.mark.parametrize("address", REFUSED)
def test_internal_addresses_are_refused(address):
    assert not DEFAULT.allows(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert DEFAULT.allows(ipaddress.ip_address(address))


def test_an_ipv4_mapped_public_address_is_the_public_address():
    assert DEFAULT.allows(ipaddress.ip_address("::ffff:8.8.8.8"))
    assert DEFAULT.allows(ipaddress.ip_address("2002:808:808::1"))  # 6to4 of 8.8.8.8


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # short
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
        ("0", "0.0.0.0"),
        ("0x0", "0.0.0.0"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("10.1", "10.0.0.1"),
        ("134744072", "8.8.8.8"),
    ],
)
def test_ipv4_spellings_read_as_resolvers_read_them(spelling, address):
    assert ipv4_literal(spelling) == ipaddress.IPv4Address(address)


@pytest.mark.parametrize("spelling", ["300.1.1.1", "1.2.3.4.5", "08", "1..1", "4294967296"])
def test_a_number_that_is_no_address_is_malformed(spelling):
    with pytest.raises(ValueError):
        ipv4_literal(spelling)


@pytest.mark.parametrize("name", ["example.com", "hooks.example.com", "1.2.3.example", "a-1.io"])
def test_names_are_not_addresses(name):
    assert ipv4_literal(name) is None and host_address(name) is None


def test_ipv6_literals_are_read_with_or_without_brackets():
    assert host_address("[::1]") == ipaddress.IPv6Address("::1")
    assert host_address("::ffff:127.0.0.1") == ipaddress.IPv6Address("::ffff:7f00:1")


@pytest.mark.parametrize(
    "name",
    [
        "localhost",
        "LOCALHOST",
        "localhost.",
        "api.localhost",
        "metadata.google.internal",
        "metadata",
        "db.internal",
        "printer.local",
        "router.home.arpa",
        "localhost.localdomain",
    ],
)
def test_local_and_internal_names_are_refused_by_name(name):
    assert refused_name(name)


def test_ordinary_names_pass_the_name_check():
    assert not refused_name("hooks.example.com") and not refused_name("internal.example.com")


def test_an_allow_list_opens_exactly_its_networks():
    assert LOOPBACK_ALLOWED.allows(ipaddress.ip_address("127.0.0.1"))
    assert LOOPBACK_ALLOWED.allows(ipaddress.ip_address("::1"))
    assert LOOPBACK_ALLOWED.allows(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not LOOPBACK_ALLOWED.allows(ipaddress.ip_address("10.0.0.1"))
    assert not LOOPBACK_ALLOWED.allows(ipaddress.ip_address("169.254.169.254"))
    assert LOOPBACK_ALLOWED.allows(ipaddress.ip_address("8.8.8.8"))


def test_a_name_passes_only_if_every_address_it_resolves_to_passes():
    public, private = ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.1")
    assert DEFAULT.allows_all([public])
    assert not DEFAULT.allows_all([public, private])
    assert not DEFAULT.allows_all([])


def test_settings_read_the_allow_list_and_refuse_a_bad_one():
    settings = WebhookSettings.from_env({"OKRANK_WEBHOOK_ALLOW_NETWORKS": "10.0.0.0/8,::1"})
    assert settings.policy.allows(ipaddress.ip_address("10.9.9.9"))
    assert not WebhookSettings.from_env({}).policy.allowed
    with pytest.raises(ValueError, match="OKRANK_WEBHOOK_ALLOW_NETWORKS"):
        WebhookSettings.from_env({"OKRANK_WEBHOOK_ALLOW_NETWORKS": "10.0.0.0/33"})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0:8000/",
        "http://10.0.0.5/",
        "http://192.168.0.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://localhost:8000/graphql",
        "http://api.localhost/",
        "http://user:pass@example.com/",
        "http://user@example.com/",
        "http://a@127.0.0.1:80@example.com/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http:///path",
        "http://example.com:0/",
        "http://example.com:65536/",
        "http://example.com:99999/",
        "http://300.1.1.1/",
        "http://exa mple.com/",
        "http://example.com/\r\nX: y",
        "http://example.com\\@127.0.0.1/",
        "http://%31%32%37.0.0.1/",
        "http://" + "a" * URL_MAX + ".com/",
        "not a url",
    ],
)
def test_registration_refuses_urls_that_are_not_public_http(url):
    assert url_problem(url, DEFAULT) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/okrank",
        "http://example.com:8080/x?y=1",
        "https://example.com?from=a@b",
        "https://8.8.8.8/",
        "https://[2001:4860:4860::8888]:443/",
        "https://bücher.example/",
    ],
)
def test_registration_accepts_public_http_urls(url):
    assert url_problem(url, DEFAULT) is None


def test_the_allow_list_admits_loopback_urls_and_local_names():
    assert url_problem("http://127.0.0.1:9/x", LOOPBACK_ALLOWED) is None
    assert url_problem("http://[::1]:9/x", LOOPBACK_ALLOWED) is None
    assert url_problem("http://localhost:9/x", LOOPBACK_ALLOWED) is None  # checked by address
    assert url_problem("http://10.0.0.5/", LOOPBACK_ALLOWED) is not None


def test_a_given_secret_must_have_16_to_256_characters():
    assert secret_problem(None) is None  # generated
    assert secret_problem("x" * 16) is None and secret_problem("x" * SECRET_MAX) is None
    for bad in ("", "short", "x" * 15, "x" * (SECRET_MAX + 1)):
        assert secret_problem(bad) is not None


def test_failures_are_named_without_addresses_or_ports():
    request = httpx.Request("POST", "http://10.0.0.5:5432/")
    assert failure_reason(AddressNotAllowed("10.0.0.5")) == ADDRESS_NOT_ALLOWED
    refused = httpx.ConnectError("[Errno 111] Connection refused to 10.0.0.5:5432", request=request)
    assert failure_reason(refused) == CONNECTION_ERROR
    assert failure_reason(httpx.ReadTimeout("timed out", request=request)) == TIMEOUT
    # Rows stored before failures were worded so read as a plain failure.
    assert shown_error("ConnectError: All connection attempts failed 10.0.0.5:5432") == FAILED
    assert shown_error("HTTP 503") == "HTTP 503" and shown_error(None) is None
    assert shown_error(CONNECTION_ERROR) == CONNECTION_ERROR
