"""A ranking feed nobody follows does not read the outbox at each change; its first subscriber
starts from the newest change, and a subscriber that joins while another is still starting
never misses a change (the feed then reads on from where it stood)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg

from okrank.api.database.health import DatabaseHealth
from okrank.api.subscriptions.ranking_feed import RankingFeed, Subscriber
from okrank.projections.rankings import ranking_changes
from okrank.projections.rankings.change_stream import RANKING_CHANGES, ChangeCursor, Outbox
from tests.support.waiting import wait_until_async

SCOPE = uuid.uuid4()


@dataclass(frozen=True)
class CountedOutbox(Outbox):
    """The ranking outbox, with the feed's reads of new changes counted."""

    reads: list[ChangeCursor] = field(default_factory=list, compare=False)

    async def changes_after(self, reader: Any, after: ChangeCursor, limit: int) -> list[Any]:
        self.reads.append(after)
        return await super().changes_after(reader, after, limit)


async def add_change(pool: asyncpg.Pool, position: int) -> None:
    """An outbox row and its NOTIFY, committed together as the catalog view writes them."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO ranking_changes (position, ordinal, workspace, scope, method, count,"
            " cause, actor, at) VALUES ($1, 0, 'a', $2, 'RICE', 1, 'SCORED', 'po', now())",
            position,
            SCOPE,
        )
        await conn.execute("SELECT pg_notify($1, $2)", RANKING_CHANGES.channel, str(position))


async def queued(sub: Subscriber, count: int) -> list[int]:
    rows = [await asyncio.wait_for(sub.queue.get(), 10) for _ in range(count)]
    return [r["position"] for r in rows]


def run(url: str, scenario: Any) -> None:
    async def main() -> None:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
        await pool.execute(ranking_changes.TABLE)
        outbox = CountedOutbox(**asdict(RANKING_CHANGES))
        feed = RankingFeed(url, DatabaseHealth(url), outbox)
        await feed.start()
        try:
            await scenario(pool, feed, outbox)
        finally:
            await feed.stop()
            await pool.close()

    asyncio.run(main())


def test_an_unfollowed_feed_reads_nothing_and_its_first_subscriber_starts_at_the_newest(
    make_database,
):
    async def scenario(pool: asyncpg.Pool, feed: RankingFeed, outbox: CountedOutbox) -> None:
        await add_change(pool, 1)
        await wait_until_async(lambda: _true(feed._idle), what="the feed idle")
        for position in range(2, 12):
            await add_change(pool, position)
        # Woken by ten changes and its one-second poll, with nobody to hand them to: a window
        # in which a read would show (what is asserted is that none happens).
        await asyncio.sleep(1.2)
        assert outbox.reads == []
        sub = feed.subscribe("a", None)
        await feed.ready(sub)
        assert feed.last == (11, 0)  # changes before it subscribed are not its
        await add_change(pool, 12)
        assert await queued(sub, 1) == [12]
        feed.unsubscribe(sub)

    run(make_database(), scenario)


def test_a_subscriber_joining_beside_one_still_starting_keeps_every_change(make_database):
    async def scenario(pool: asyncpg.Pool, feed: RankingFeed, outbox: CountedOutbox) -> None:
        await add_change(pool, 1)
        await wait_until_async(lambda: _true(feed._idle), what="the feed idle")
        await add_change(pool, 2)
        first = feed.subscribe("a", None)  # registered, its start not done yet
        second = feed.subscribe("a", None)
        await feed.ready(second)  # not alone: the feed does not skip ahead
        await add_change(pool, 3)
        # Both receive every change after where the feed stood, before the first (a subscriber
        # drops by its own cursor what it had already, e.g. from a replay).
        assert await queued(first, 3) == [1, 2, 3]
        assert await queued(second, 3) == [1, 2, 3]
        feed.unsubscribe(first)
        feed.unsubscribe(second)

    run(make_database(), scenario)


async def _true(value: bool) -> bool:
    return value
