"""Per-token rate limiting: a token bucket per workspace + token subject, in process.

Every authenticated /graphql request takes 1 token at the door; each mutation field it runs
draws `OKRANK_RATE_MUTATION_COST` more and each subscription start `OKRANK_RATE_SUBSCRIPTION_COST`
(WebSocket or HTTP stream); `charge(cost)` lets any later stage (a query cost computation) draw
more. Charges after the door may take the bucket below zero (down to -burst): the next requests
wait until it refills. A request the bucket cannot pay for answers 429 with `Retry-After` and a
GraphQL error `RATE_LIMITED`; every answer carries `RateLimit-Limit` (the burst),
`RateLimit-Remaining` and `RateLimit-Reset` (seconds until the bucket is full again).

Buckets live in each API process (no round trip per request): N processes behind a load
balancer allow up to N × the configured rate. Only a verified token has a bucket, so requests
with bad tokens cannot spend a real token's budget; they are counted per client IP by
`AuthFailureLimit` instead, which answers 429 to unknown tokens from an IP that keeps failing.
"""

from __future__ import annotations

import contextvars
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from okrank.api.auth import Principal
from okrank.api.http.headers import header

MAX_BUCKETS = 100_000  # beyond this, buckets that have refilled completely are dropped


@dataclass(frozen=True)
class RateLimitSettings:
    """`OKRANK_RATE_*` (requests per second per token; 0 turns the per-token limit off)."""

    rate: float = 100.0
    burst: float = 200.0
    mutation_cost: float = 1.0
    subscription_cost: float = 5.0
    auth_failure_rate: float = 5.0
    auth_failure_burst: float = 50.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RateLimitSettings:
        def number(name: str, default: float) -> float:
            value = float(env.get(name, default))
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0")
            return value

        rate = number("OKRANK_RATE_LIMIT", cls.rate)
        return cls(
            rate=rate,
            burst=max(1.0, number("OKRANK_RATE_BURST", max(cls.burst, rate))),
            mutation_cost=number("OKRANK_RATE_MUTATION_COST", cls.mutation_cost),
            subscription_cost=number("OKRANK_RATE_SUBSCRIPTION_COST", cls.subscription_cost),
            auth_failure_rate=number("OKRANK_AUTH_FAILURE_RATE", cls.auth_failure_rate),
            auth_failure_burst=max(
                1.0, number("OKRANK_AUTH_FAILURE_BURST", cls.auth_failure_burst)
            ),
        )


@dataclass
class Bucket:
    tokens: float
    updated: float


class Buckets:
    """Token buckets by key: `rate` tokens a second up to `burst`. Pure: time is passed in."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[Any, Bucket] = {}

    def _refilled(self, key: Any, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._drop_full(now)
            bucket = self._buckets[key] = Bucket(self.burst, now)
        elif now > bucket.updated:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def _drop_full(self, now: float) -> None:
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.burst
        ]
        for k in full:
            del self._buckets[k]

    def take(self, key: Any, cost: float, now: float) -> float | None:
        """Take `cost` tokens if the bucket holds them: None; else the seconds to wait."""
        bucket = self._refilled(key, now)
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return None
        return (cost - bucket.tokens) / self.rate if self.rate else math.inf

    def charge(self, key: Any, cost: float, now: float) -> None:
        """Draw `cost` tokens whatever the bucket holds (down to -burst)."""
        bucket = self._refilled(key, now)
        bucket.tokens = max(-self.burst, bucket.tokens - cost)

    def shortfall(self, key: Any, cost: float, now: float) -> float | None:
        """None if the bucket holds `cost` tokens (taking none), else the seconds to wait."""
        tokens = self._refilled(key, now).tokens
        if tokens >= cost:
            return None
        return (cost - tokens) / self.rate if self.rate else math.inf

    def headers(self, key: Any, now: float) -> list[tuple[bytes, bytes]]:
        """`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF draft)."""
        tokens = self._refilled(key, now).tokens
        reset = math.ceil((self.burst - tokens) / self.rate) if self.rate else 0
        return [
            (b"ratelimit-limit", str(int(self.burst)).encode()),
            (b"ratelimit-remaining", str(max(0, math.floor(tokens))).encode()),
            (b"ratelimit-reset", str(reset).encode()),
        ]


def _rate_limited(
    message: str, retry_after: float, headers: list[tuple[bytes, bytes]]
) -> tuple[Message, Message]:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": "RATE_LIMITED"}}]})
    wait = str(max(1, math.ceil(min(retry_after, 3600)))).encode()
    start = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", wait),
            *headers,
        ],
    }
    return start, {"type": "http.response.body", "body": body}


# --- hooks for the resolvers: charge the current request's token --------------------------


@dataclass
class _Current:
    limiter: TokenRateLimit
    key: tuple[str, str] | None


_current: contextvars.ContextVar[_Current | None] = contextvars.ContextVar(
    "okrank_rate_limit", default=None
)


def charge(cost: float, principal: Principal | None = None) -> None:
    """Draw `cost` more tokens for the current request (e.g. an expensive query's extra cost)."""
    current = _current.get()
    if current is None or current.limiter.settings.rate == 0:
        return
    key = (principal.workspace, principal.subject) if principal else current.key
    if key is not None:
        current.limiter.buckets.charge(key, cost, time.monotonic())


def charge_mutation(principal: Principal | None) -> None:
    """Each mutation field run draws `OKRANK_RATE_MUTATION_COST` (also over a WebSocket)."""
    current = _current.get()
    if current is not None:
        charge(current.limiter.settings.mutation_cost, principal)


def admit_subscription(principal: Principal) -> None:
    """A subscription start costs `OKRANK_RATE_SUBSCRIPTION_COST`: refused (a GraphQL error
    RATE_LIMITED) when the token's bucket cannot pay for it."""
    current = _current.get()
    if current is None or current.limiter.settings.rate == 0:
        return
    limiter = current.limiter
    wait = limiter.buckets.take(
        (principal.workspace, principal.subject),
        limiter.settings.subscription_cost,
        time.monotonic(),
    )
    if wait is not None:
        raise GraphQLError(
            f"rate limited: retry in {max(1, math.ceil(wait))} s",
            extensions={"code": "RATE_LIMITED", "retryAfter": max(1, math.ceil(wait))},
        )


class TokenRateLimit:
    """ASGI middleware inside the authentication guard: a bucket per workspace + subject."""

    def __init__(self, app: ASGIApp, settings: RateLimitSettings) -> None:
        self.app, self.settings = app, settings
        self.buckets = Buckets(settings.rate, settings.burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.settings.rate == 0:
            return await self.app(scope, receive, send)
        principal: Principal | None = scope.get("principal")
        key = (principal.workspace, principal.subject) if principal else None
        token = _current.set(_Current(self, key))
        try:
            if scope["type"] == "websocket" or key is None:
                return await self.app(scope, receive, send)  # the GraphiQL page, a WebSocket
            wait = self.buckets.take(key, 1.0, time.monotonic())
            if wait is not None:
                start, body = _rate_limited(
                    f"rate limited: at most {self.settings.rate:g} requests/s (burst "
                    f"{self.settings.burst:g}) per token",
                    wait,
                    self.buckets.headers(key, time.monotonic()),
                )
                await send(start)
                return await send(body)

            async def with_budget(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers += self.buckets.headers(key, time.monotonic())
                    message = {**message, "headers": headers}
                await send(message)

            return await self.app(scope, receive, with_budget)
        finally:
            _current.reset(token)


class AuthFailureLimit:
    """ASGI middleware outside the authentication guard: counts 401 answers (and WebSocket
    closes 4401) per client IP; an IP whose bucket is empty gets 429 for every token not
    seen valid recently, without the token being verified."""

    GOOD_TOKENS = 10_000  # Authorization values recently answered other than 401

    def __init__(self, app: ASGIApp, settings: RateLimitSettings) -> None:
        self.app = app
        self.buckets = Buckets(settings.auth_failure_rate, settings.auth_failure_burst)
        self._good: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith("/graphql"):
            return await self.app(scope, receive, send)
        ip = (scope.get("client") or ("?", 0))[0]
        # The guard's rule (last value wins): a first header cannot vouch for a token it did
        # not authenticate.
        authorization = header(scope, b"authorization")
        now = time.monotonic()
        wait = None if authorization in self._good else self.buckets.shortfall(ip, 1.0, now)
        if wait is not None:
            if scope["type"] == "websocket":
                return await send(
                    {"type": "websocket.close", "code": 4429, "reason": "rate limited"}
                )
            start, body = _rate_limited(
                "too many failed authentications from this address", wait, []
            )
            await send(start)
            return await send(body)

        async def watching(message: Message) -> None:
            failed = (message["type"] == "http.response.start" and message["status"] == 401) or (
                message["type"] == "websocket.close" and message.get("code") == 4401
            )
            if failed:
                self.buckets.charge(ip, 1.0, time.monotonic())
                self._good.discard(authorization)  # type: ignore[arg-type]
            elif message["type"] == "http.response.start" and authorization is not None:
                if len(self._good) >= self.GOOD_TOKENS:
                    self._good.clear()
                self._good.add(authorization)
            await send(message)

        await self.app(scope, receive, watching)
