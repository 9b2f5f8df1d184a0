"""An identity provider's signing keys (a JWKS), from a file or fetched from a URL.

The URL variant never stalls a request for long: a known key is answered from memory (a stale
set is refreshed in the background, and kept if the provider is down); an unknown `kid` waits
for at most one fetch bounded by a timeout, and such fetches happen at most once per
`min_refresh_seconds` however many unknown kids arrive, so forged tokens cannot make okrank
hammer the provider. Concurrent requests share one fetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt

log = logging.getLogger("okrank.jwks")

MAX_JWKS_BYTES = 1 << 20


class SigningKeys(Protocol):
    async def key(self, kid: str) -> jwt.PyJWK | None: ...


def parse_jwks(document: Any, algorithms: Iterable[str]) -> dict[str, jwt.PyJWK]:
    """Signing keys by kid. Keys without a kid, for encryption, of an algorithm not allowed
    (symmetric `oct` keys included) or that PyJWT cannot load are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("a JWKS is a JSON object with a 'keys' list")
    allowed = set(algorithms)
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            continue
        if key.algorithm_name in allowed:
            keys[entry["kid"]] = key
    return keys


class JwksFile:
    """Keys read once at start-up: a missing or malformed file stops the server from starting."""

    def __init__(self, path: Path, algorithms: Iterable[str]) -> None:
        self.keys = parse_jwks(json.loads(path.read_text()), algorithms)
        if not self.keys:
            raise ValueError(f"{path}: no usable signing key")

    async def key(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)


class JwksUrl:
    """Keys fetched from the provider and kept in memory (see the module docstring)."""

    def __init__(
        self,
        url: str,
        algorithms: Iterable[str],
        timeout_seconds: float,
        max_age_seconds: float,
        min_refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self.algorithms = url, tuple(algorithms)
        self.timeout, self.max_age, self.min_refresh = (
            timeout_seconds,
            max_age_seconds,
            min_refresh_seconds,
        )
        self.clock = clock
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetched_at: float | None = None  # last successful fetch
        self.attempted_at: float | None = None  # last fetch started
        self.fetches = 0
        self._inflight: asyncio.Task[None] | None = None

    async def key(self, kid: str) -> jwt.PyJWK | None:
        now = self.clock()
        if kid in self.keys:
            if self.fetched_at is not None and now - self.fetched_at > self.max_age:
                self._start_fetch(now)  # refresh behind the scenes; answer from memory
            return self.keys[kid]
        await self._wait(self._start_fetch(now))  # a running fetch, a new one, or none
        return self.keys.get(kid)

    async def refresh(self) -> None:
        """Fetch now (at start-up), bounded by the timeout; failures are logged, not raised."""
        await self._wait(self._start_fetch(self.clock()))

    async def _wait(self, task: asyncio.Task[None] | None) -> None:
        """Wait for a fetch, at most the timeout; it goes on (shielded) for later requests."""
        if task is not None and not task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), self.timeout)

    async def close(self) -> None:
        if self._inflight is not None:
            self._inflight.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._inflight

    def _start_fetch(self, now: float) -> asyncio.Task[None] | None:
        if self._inflight is None or self._inflight.done():
            if self.attempted_at is not None and now - self.attempted_at < self.min_refresh:
                return self._inflight
            self.attempted_at = now
            self._inflight = asyncio.create_task(self._fetch())
        return self._inflight

    async def _fetch(self) -> None:
        self.fetches += 1
        try:
            async with (
                httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as http,
                http.stream("GET", self.url, headers={"Accept": "application/json"}) as response,
            ):
                response.raise_for_status()
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES:
                        raise ValueError(f"JWKS larger than {MAX_JWKS_BYTES} bytes")
            keys = parse_jwks(json.loads(body), self.algorithms)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning(
                "JWKS fetch from %s failed (keeping %d keys): %s", self.url, len(self.keys), exc
            )
            return
        self.keys, self.fetched_at = keys, self.clock()
