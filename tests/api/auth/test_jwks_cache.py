"""The JWKS cache bounds its fetches: an unknown kid triggers at most one fetch per interval,
however many arrive, and a stale set is refreshed behind the scenes while its keys keep
answering. The clock is a plain function the test advances; the provider is a real loopback
HTTP server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from okrank.api.auth.jwks import JwksUrl
from tests.support.identity_provider import JwksServer, SigningKey

KEY = SigningKey("k1", "EC")


@pytest.fixture
def idp() -> Iterator[JwksServer]:
    server = JwksServer([KEY])
    yield server
    server.stop()


def test_unknown_kids_fetch_at_most_once_per_interval(idp):
    now = [1000.0]
    cache = JwksUrl(idp.url, ["ES256"], 2.0, 300.0, 10.0, clock=lambda: now[0])

    async def scenario() -> None:
        assert (await cache.key("k1")) is not None
        assert idp.fetches == 1
        results = await asyncio.gather(*(cache.key(f"forged-{n}") for n in range(50)))
        assert results == [None] * 50 and idp.fetches == 1  # within the interval: no fetch
        now[0] += 10.0
        await asyncio.gather(*(cache.key(f"forged-{n}") for n in range(50)))
        assert idp.fetches == 2  # one fetch shared by all of them
        await cache.close()

    asyncio.run(scenario())


def test_a_stale_set_keeps_answering_while_it_refreshes(idp):
    now = [1000.0]
    cache = JwksUrl(idp.url, ["ES256"], 2.0, 300.0, 10.0, clock=lambda: now[0])

    async def scenario() -> None:
        await cache.refresh()
        idp.release.clear()  # the provider stalls from now on
        now[0] += 301.0
        assert (await cache.key("k1")) is not None  # answered from memory, no wait
        assert cache._inflight is not None and not cache._inflight.done()
        idp.release.set()
        await cache._inflight
        assert idp.fetches == 2 and cache.fetched_at == now[0]
        await cache.close()

    asyncio.run(scenario())
