"""Limits on what one HTTP client may hold or send, read once from OKRANK_* variables.

Every limit bounds a resource a client could otherwise keep without ever completing a request:
a connection (header, body and keep-alive timeouts, a connection cap) or memory (sizes).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from okrank.api.http.import_route import MAX_IMPORT_BODY_BYTES


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = float(raw)
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {raw!r}")
    return value


@dataclass(frozen=True)
class HttpLimits:
    header_timeout: float = 10.0  # seconds from a request's first byte to its last header
    body_timeout: float = 30.0  # seconds to receive a whole request body
    keepalive_timeout: float = 5.0  # seconds an idle keep-alive connection stays open
    max_connections: int = 1000  # concurrent connections (and requests) per process; then 503
    max_header_bytes: int = 64 * 1024  # request line and headers together
    max_body_bytes: int = 1 << 20  # a GraphQL request larger than 1 MiB is abuse, not a query
    max_import_body_bytes: int = MAX_IMPORT_BODY_BYTES  # POST /graphql/import only

    @classmethod
    def from_env(cls) -> HttpLimits:
        d = cls()
        return cls(
            header_timeout=_number("OKRANK_HEADER_TIMEOUT", d.header_timeout),
            body_timeout=_number("OKRANK_BODY_TIMEOUT", d.body_timeout),
            keepalive_timeout=_number("OKRANK_KEEPALIVE_TIMEOUT", d.keepalive_timeout),
            max_connections=int(_number("OKRANK_MAX_CONNECTIONS", d.max_connections)),
            max_header_bytes=int(_number("OKRANK_MAX_HEADER_BYTES", d.max_header_bytes)),
            max_body_bytes=d.max_body_bytes,
            max_import_body_bytes=d.max_import_body_bytes,
        )


@functools.cache
def http_limits() -> HttpLimits:
    """This process's limits (the environment is read once)."""
    return HttpLimits.from_env()
