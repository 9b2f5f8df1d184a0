"""The webhook deliverer wakes at each change: with no active endpoint it does not query for one
at every wake, and an endpoint registered meanwhile is found within IDLE_RECHECK_SECONDS."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import pytest

from okrank.api.webhooks import delivery
from okrank.api.webhooks.delivery import WebhookDeliverer, create_tables
from okrank.projections.rankings import ranking_changes
from tests.support.webhooks import add_endpoint


class CountingPool:
    """The real pool, with the statements fetched through it written down."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool, self.fetched = pool, []

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        self.fetched.append(query)
        return await self.pool.fetch(query, *args)


def test_no_query_per_wake_while_no_endpoint_is_active_and_a_new_one_is_found_soon(
    make_database, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(delivery, "IDLE_RECHECK_SECONDS", 0.3)
    url = make_database()

    async def scenario() -> None:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            await create_tables(pool)
            await pool.execute(ranking_changes.TABLE)
            counting = CountingPool(pool)
            deliverer = WebhookDeliverer(url, counting)  # type: ignore[arg-type]
            await deliverer._deliver_due(None)  # type: ignore[arg-type]
            assert len(counting.fetched) == 1  # looked: none active
            for _ in range(20):  # twenty changes' wakes right after: no query
                await deliverer._deliver_due(None)  # type: ignore[arg-type]
            assert len(counting.fetched) == 1
            await add_endpoint(pool, "RANKINGS", "a", None, (0, -1))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not any(
                "ranking_changes" in q for q in counting.fetched
            ):
                await deliverer._deliver_due(None)  # type: ignore[arg-type]
                await asyncio.sleep(0.05)
            # Found after the recheck: its stream's outbox was read for it (nothing to send).
            assert any("ranking_changes" in q for q in counting.fetched)
        finally:
            await pool.close()

    asyncio.run(scenario())
