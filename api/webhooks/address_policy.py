"""Which addresses a webhook may be sent to: the one home of the rule (pure, no I/O).

A tenant names the URL and okrank's server makes the request, from inside the operator's
network: without this rule a webhook could reach the database, a cloud metadata service or any
internal port, and its `lastError` would tell which ports are open (server-side request
forgery). Only globally routable unicast addresses are allowed, unless the operator allows more
networks (`OKRANK_WEBHOOK_ALLOW_NETWORKS`).

Host names are checked twice: here by name and literal form at registration, and by every
resolved address at each connection (api.webhook_transport), which is what counts: a name may
resolve elsewhere tomorrow (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IANA special-purpose ranges, listed because `ipaddress`'s flags differ between Python
# releases (3.11.7 calls 100.64.0.0/10 neither private nor global, for one).
_SPECIAL_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
    )
)
_SPECIAL_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/128",
        "::1/128",
        "::ffff:0:0/96",  # IPv4-mapped: judged by the IPv4 address, see _embedded_v4
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "fc00::/7",  # unique local, incl. AWS metadata fd00:ec2::254
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# Names that mean "this machine" or "this private network" whatever they resolve to.
REFUSED_NAMES = frozenset({"localhost", "localhost.localdomain", "metadata", "instance-data"})
REFUSED_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")

_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)\Z")
_ENDS_IN_NUMBER = re.compile(r"([0-9]+|0[xX][0-9a-fA-F]*)\Z")


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries to the IPv4 internet, if it does: mapped
    (::ffff:a.b.c.d), compatible (::a.b.c.d), 6to4 (2002:aabb:ccdd::/48), NAT64
    (64:ff9b::a.b.c.d), Teredo (its client)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # IPv4-compatible (deprecated), not :: or ::1
        return ipaddress.IPv4Address(int(ip))
    return None


def _special(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv4Address):
        return any(ip in n for n in _SPECIAL_V4) or not ip.is_global
    if ip.scope_id is not None:  # fe80::1%eth0: link-scoped by definition
        return True
    flags = (ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_private, ip.is_reserved)
    return any(ip in n for n in _SPECIAL_V6) or any(flags) or not ip.is_global


@dataclass(frozen=True)
class AddressPolicy:
    """`allowed`: networks the operator opens on purpose (e.g. 127.0.0.0/8 for a receiver on
    the same machine); everything else must be public."""

    allowed: tuple[IPNetwork, ...] = ()

    def _opened(self, ip: IPAddress) -> bool:
        return any(ip in n for n in self.allowed if ip.version == n.version)

    def allows(self, ip: IPAddress) -> bool:
        inner = _embedded_v4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        if self._opened(ip) or (inner is not None and self._opened(inner)):
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return not _special(ip.ipv4_mapped)  # a mapped address is the IPv4 address
        return not _special(ip) and (inner is None or not _special(inner))

    def allows_all(self, addresses: Iterable[IPAddress]) -> bool:
        """A name is acceptable only if every address it resolves to is: a resolver may pick
        any of them."""
        listed = list(addresses)
        return bool(listed) and all(self.allows(a) for a in listed)


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """`127.0.0.0/8, ::1` → networks; raises ValueError on a bad entry."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host spells the way resolvers read it (inet_aton, the WHATWG URL
    standard): 127.0.0.1, 2130706433, 0x7f000001, 0177.0.0.1, 127.1, a trailing dot. None for
    a name. A host whose last label is a number is an address or nothing: raises ValueError
    for 300.1.1.1, 1.2.3.4.5 or 08."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not _ENDS_IN_NUMBER.match(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMBER.match(p) for p in parts):
        raise ValueError("not a valid IPv4 address")
    values = [
        int(p[2:] or "0", 16)
        if p[:2].lower() == "0x"
        else int(p, 8)
        if len(p) > 1 and p[0] == "0"
        else int(p)
        for p in parts
    ]
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        raise ValueError("not a valid IPv4 address")
    return ipaddress.IPv4Address(sum(v << (8 * (3 - n)) for n, v in enumerate(head)) + last)


def host_address(host: str) -> IPAddress | None:
    """The address a URL host spells literally ([::1] or any IPv4 spelling), None for a name;
    raises ValueError for a malformed literal."""
    if host.startswith("[") or ":" in host:
        return ipaddress.IPv6Address(host.strip("[]"))
    return ipv4_literal(host)


def refused_name(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name in REFUSED_NAMES or name.endswith(REFUSED_SUFFIXES)
