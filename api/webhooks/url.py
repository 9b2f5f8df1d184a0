"""What `registerWebhook` accepts: the URL and the signing secret (pure checks).

The URL is parsed by httpx, the client that delivers, so the host checked here is the host it
connects to (no parser differential). Literal addresses in any spelling and local names are
refused here; names are checked again by address at every connection (api.webhook_transport).
DNS is not queried at registration: the answer would prove nothing about tomorrow's (DNS
rebinding), and a tenant-chosen name would make the request wait on a tenant-chosen server.
"""

from __future__ import annotations

import re

import httpx

from okrank.api.webhooks.address_policy import AddressPolicy, host_address, refused_name

URL_MAX = 2000
SECRET_MIN = 16
SECRET_MAX = 256
_AUTHORITY_END = re.compile(r"[/?#]")
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?\Z")


def url_problem(url: str, policy: AddressPolicy) -> str | None:
    """Why `url` cannot be a webhook target, or None if it can."""
    if len(url) > URL_MAX:
        return f"url must have at most {URL_MAX} characters"
    if any(c <= " " or c == "\x7f" or c == "\\" for c in url):
        return "url must not contain spaces, control characters or backslashes"
    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        return "url must be an http(s) URL"
    if parsed.scheme not in ("http", "https") or not raw_host:
        return "url must be an http(s) URL with a host"
    if parsed.userinfo or "@" in _AUTHORITY_END.split(url.split("//", 1)[-1], 1)[0]:
        return "url must not carry credentials"
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        return "url port must be between 1 and 65535"
    try:
        address = host_address(raw_host)
    except ValueError:
        return "url host is not a valid address"
    if address is not None:
        if not policy.allows(address):
            return "url must not point to a loopback, private, link-local or reserved address"
        return None
    if not _HOST_NAME.match(raw_host):
        return "url host is not a valid host name"
    if refused_name(raw_host) and not policy.allowed:
        return "url host names this machine or an internal network"
    return None


def secret_problem(secret: str | None) -> str | None:
    """Why a given signing secret is refused (None: generated, or acceptable)."""
    if secret is None:
        return None
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        return f"secret must have {SECRET_MIN} to {SECRET_MAX} characters"
    return None
