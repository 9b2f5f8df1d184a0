"""Which browser origins may call okrank: CORS for HTTP (Starlette's CORSMiddleware, which
answers a preflight before authentication) and the same list for the WebSocket Origin check
(browsers apply no CORS to WebSockets: the server must refuse a foreign page itself).

OKRANK_CORS_ORIGINS is a comma-separated list of origins: `https://app.example.com`, a port
wildcard `http://localhost:*`, `*` for any origin, or `none`. Unset, a server listening on
loopback allows the loopback development origins (any port of localhost, 127.0.0.1, [::1]) and
any other server allows none. A same-origin page (GraphiQL served by okrank) is always allowed.
Tokens travel in the Authorization header, never in cookies: credentials are not allowed."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from okrank.api.http.errors import close_websocket
from okrank.api.http.headers import header

ENV = "OKRANK_CORS_ORIGINS"
LISTEN_HOST_ENV = "OKRANK_LISTEN_HOST"  # set by api.server for its workers
LOOPBACK_ORIGINS = "http://localhost:*,http://127.0.0.1:*,http://[::1]:*"
NEVER = "(?!)"
ORIGIN_REFUSED = 4403  # WebSocket close code: this page's origin may not connect
# Response headers a browser page may read (rate limits, idempotency, back-off).
EXPOSED_HEADERS = [
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Idempotent-Replayed",
    "X-Request-Id",
]
MAX_AGE_SECONDS = 600  # how long a browser may reuse a preflight answer


def _origin_pattern(entry: str) -> str:
    if entry == "*":
        return r"[a-z][a-z0-9+.-]*://.+"
    parts = urlsplit(entry)
    any_port = parts.netloc.endswith(":*")
    host = parts.netloc.removesuffix(":*")
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise ValueError(f"{ENV}: {entry!r} is not an origin such as https://app.example.com")
    if any_port:  # a port wildcard: the host with or without any port
        return re.escape(f"{parts.scheme}://{host}") + r"(:\d{1,5})?"
    return re.escape(f"{parts.scheme}://{parts.netloc}")


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class OriginPolicy:
    pattern: str  # a regular expression an allowed Origin matches in full

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> OriginPolicy:
        raw = (env.get(ENV) or "").strip()
        if not raw:
            listen_host = env.get(LISTEN_HOST_ENV, "")
            raw = LOOPBACK_ORIGINS if is_loopback_host(listen_host) else "none"
        if raw.lower() == "none":
            return cls(NEVER)
        entries = [e.strip().lower().rstrip("/") for e in raw.split(",") if e.strip()]
        return cls("|".join(f"(?:{_origin_pattern(e)})" for e in entries) or NEVER)

    def allows(self, origin: str, host: str | None = None) -> bool:
        """A browser page at `origin` may call okrank (reached as `host`, its Host header)."""
        if host and urlsplit(origin).netloc.lower() == host.lower():
            return True  # same origin: the page okrank itself serves
        return re.fullmatch(self.pattern, origin.lower()) is not None


class WebSocketOrigins:
    """Refuses a WebSocket whose Origin is not allowed, before any token is read: a page on a
    foreign site could otherwise subscribe with a token it found. Clients that are not
    browsers send no Origin and pass."""

    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app, self.policy = app, policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            origin = header(scope, b"origin")
            if origin is not None and not self.policy.allows(origin, header(scope, b"host")):
                reason = f"origin {origin[:60]} not allowed (OKRANK_CORS_ORIGINS)"
                return await close_websocket(scope, receive, send, ORIGIN_REFUSED, reason)
        return await self.app(scope, receive, send)


def browser_origins(app: ASGIApp, policy: OriginPolicy | None = None) -> ASGIApp:
    """Wrap `app` so that allowed browser origins can call it over HTTP and WebSocket."""
    policy = policy or OriginPolicy.from_env()
    return CORSMiddleware(
        WebSocketOrigins(app, policy),
        allow_origin_regex=policy.pattern,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
        max_age=MAX_AGE_SECONDS,
    )
