"""How a webhook delivery connects: every address the host resolves to is checked against the
address policy, and the connection goes to a checked address (pinned), at every new connection.

Checking inside the connection (an httpcore network backend) instead of before the request
closes the gap a separate lookup leaves: a name that answers a public address to the check and
a private one to the connection (DNS rebinding) cannot slip through, because no second lookup
happens. TLS still verifies the certificate against the URL's host name (httpcore passes the
origin's name as SNI and for hostname checking). Proxies from the environment are ignored: a
proxy would resolve the name itself. Redirects are not followed (httpx's default), so a 3xx is
a failed delivery, never a hop to an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

from okrank.api.webhooks.address_policy import AddressPolicy, IPAddress

# What `lastError` and attempts say: never an address, a port or an exception's text.
ADDRESS_NOT_ALLOWED = "delivery failed: address not allowed"
TIMEOUT = "delivery failed: timeout"
CONNECTION_ERROR = "delivery failed: connection error"
PROTOCOL_ERROR = "delivery failed: protocol error"
FAILED = "delivery failed"
_HTTP_STATUS = "HTTP "


class AddressNotAllowed(Exception):
    """The webhook's host resolves to an address the policy refuses."""


async def resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """Every address `host` resolves to (a literal resolves to itself), in resolver order."""
    try:
        return [ipaddress.ip_address(host)]  # a plain literal: no resolver thread needed
    except ValueError:
        pass  # a name, or another spelling of an address (2130706433): the resolver reads it
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise httpcore.ConnectTimeout("name resolution timed out") from None
    except (OSError, UnicodeError):
        raise httpcore.ConnectError("name resolution failed") from None
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip not in found:
            found.append(ip)
    return found


class VettingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio backend, connecting only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout)
        if not self.policy.allows_all(addresses):
            raise AddressNotAllowed(host)
        failure: Exception = httpcore.ConnectError("no address")
        for ip in addresses:  # each one vetted: connect to it, not to the name
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressNotAllowed("unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class VettedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over the vetting backend. httpx takes no network backend argument, so
    the connection pool it builds is replaced by the same pool over ours."""

    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=VettingBackend(policy),
        )


def failure_reason(exc: Exception) -> str:
    """A delivery exception as the tenant may read it."""
    if isinstance(exc, AddressNotAllowed):
        return ADDRESS_NOT_ALLOWED
    if isinstance(exc, httpx.TimeoutException):
        return TIMEOUT
    if isinstance(exc, httpx.NetworkError):
        return CONNECTION_ERROR
    return PROTOCOL_ERROR


def shown_error(stored: str | None) -> str | None:
    """A stored failure as shown: rows written before failures were worded this way may hold an
    exception's text (with an address and port): those read "delivery failed"."""
    known = (ADDRESS_NOT_ALLOWED, TIMEOUT, CONNECTION_ERROR, PROTOCOL_ERROR, FAILED)
    if stored is None or stored in known:
        return stored
    if stored.startswith(_HTTP_STATUS) and stored[len(_HTTP_STATUS) :].isdigit():
        return stored
    return FAILED
