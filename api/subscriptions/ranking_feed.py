"""Live ranking changes (and, following the OKR_CHANGES outbox, OKR changes) for this process's
subscribers.

The catalog projection writes each change to the `ranking_changes` outbox and NOTIFYs
`okrank_ranking` in the same transaction. This process LISTENs on one connection, reads the new
rows once (whatever the number of subscribers) and hands each to the subscribers of its
workspace. Every subscriber has a bounded queue: a subscriber that falls behind is cut off with
`SubscriberOverflow` and resumes from its last cursor, so it can neither stall the others nor grow
memory without bound.

If the connection is lost (PostgreSQL restarts), subscribers stay attached: once the database is
up again the feed LISTENs anew and reads the outbox from the last cursor it delivered, so every
change committed meanwhile reaches them once, in order.

While nobody follows the feed, a NOTIFY costs no read of the outbox; the first subscriber after
such a spell starts from the newest change (`ready`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from okrank.api.database.health import DatabaseHealth, is_unavailable
from okrank.api.subscriptions.mailbox import Mailbox
from okrank.api.subscriptions.shared_row import SharedRow
from okrank.projections.engine.database_settings import CONNECT_TIMEOUT_SECONDS
from okrank.projections.rankings.change_stream import (
    BEFORE_ALL,
    RANKING_CHANGES,
    ChangeCursor,
    Outbox,
    cursor_of,
)

log = logging.getLogger("okrank.feed")

QUEUE_LIMIT = 1000  # changes a subscriber may lag behind before it is cut off
# What a subscriber's direct delivery (api.subscriptions.direct) did with a change offered.
WRITTEN, REFUSED, OVERFLOW = 0, 1, 2
FETCH_BATCH = 1000


class SubscriberOverflow(Exception):
    """The subscriber fell more than QUEUE_LIMIT changes behind."""


@dataclass(eq=False)
class Subscriber:
    workspace: str
    scope: UUID | None  # None: every change in the workspace
    scope_column: str = "scope"
    queue: Mailbox = field(default_factory=lambda: Mailbox(QUEUE_LIMIT))
    overflowed: bool = False
    # While set (api.subscriptions.direct), changes are written to the connection at once;
    # one it refuses goes to the queue, and so does every later one until follow() sets it
    # again on an empty queue.
    direct: Any = None

    def offer(self, row: Any) -> None:
        if self.overflowed:
            return
        if self.scope is not None and row[self.scope_column] != self.scope:
            return
        if self.direct is not None:
            outcome = self.direct.offer(row)
            if outcome == WRITTEN:  # (or not for this subscriber)
                return
            self.direct = None
            if outcome == OVERFLOW:  # its connection fell too far behind
                self._overflow()
                return
        try:
            self.queue.put_nowait(row)
        except asyncio.QueueFull:
            self._overflow()

    def _overflow(self) -> None:
        self.overflowed = True
        if self.queue.full():  # make room for the sentinel that ends the subscription
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class RankingFeed:
    def __init__(
        self, database_url: str, health: DatabaseHealth, source: Outbox = RANKING_CHANGES
    ) -> None:
        self.database_url = database_url
        self.source = source
        self.health = health
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self.last: ChangeCursor = BEFORE_ALL
        self._conn: asyncpg.Connection | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # No subscriber at the last wake-up: the outbox was not read, and `last` may be behind.
        self._idle = False
        self._reading = asyncio.Lock()  # one query at a time on the LISTEN connection

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def _connect(self) -> None:
        """LISTEN first: a change committed after this is notified, one before it is read from
        the outbox by cursor."""
        conn = await asyncpg.connect(self.database_url, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            await conn.add_listener(self.source.channel, lambda *_: self._wake.set())
            conn.add_termination_listener(self._on_lost)
        except BaseException:
            conn.terminate()
            raise
        self._conn = conn
        self._wake.set()

    def _on_lost(self, conn: object) -> None:
        if conn is self._conn:  # not our own close in stop()
            self._wake.set()
            self.health.suspect()

    async def start(self) -> None:
        await self._connect()
        assert self._conn is not None
        try:
            last = await self.source.last_cursor(self._conn)
        except asyncpg.UndefinedTableError:
            last = None
        if last:
            self.last = last
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self._conn:
            conn, self._conn = self._conn, None
            await conn.close()

    def subscribe(self, workspace: str, scope: UUID | None) -> Subscriber:
        sub = Subscriber(workspace, scope, self.source.scope_column)
        self.subscribers[workspace].add(sub)
        return sub

    async def ready(self, sub: Subscriber) -> None:
        """Before a new subscriber reads `last`. A feed nobody followed did not read the outbox;
        for its only subscriber, `last` moves to the newest change (what came before is the
        subscriber's replay, or was before it subscribed). With other subscribers, or if the
        outbox cannot be read now, the next fetch reads on from where `last` is: it delivers
        changes a subscriber may have had already (dropped by its cursor), never skips one."""
        if not self._idle:
            return
        async with self._reading:
            alone = [s for subs in self.subscribers.values() for s in subs] == [sub]
            if not (self._idle and alone and self.connected):
                return
            assert self._conn is not None
            try:
                newest = await self.source.last_cursor(self._conn)
            except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError):
                return  # the next fetch reads from `last`
            if newest is not None and newest > self.last:
                self.last = newest
            self._idle = False

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers[sub.workspace].discard(sub)
        if not self.subscribers[sub.workspace]:
            del self.subscribers[sub.workspace]

    async def _run(self) -> None:
        while True:
            # Poll now and then too: a lost notification delays a change, never drops it.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
            self._wake.clear()
            try:
                if not self.connected:
                    await self._reconnect()
                await self._fetch()
            except asyncio.CancelledError:
                raise
            except asyncpg.UndefinedTableError:
                # A fresh database: the projections have not created the outbox yet, so there
                # is nothing to deliver; the next poll looks again.
                await asyncio.sleep(0.5)
            except Exception as exc:  # never die silently: subscribers depend on this task
                if is_unavailable(exc):
                    self.health.suspect(exc)
                    self._wake.set()  # reconnect as soon as the database is back
                    await asyncio.sleep(0.2)
                else:
                    log.exception("%s feed fetch failed; retrying", self.source.channel)
                    await asyncio.sleep(0.5)

    async def _reconnect(self) -> None:
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None
        await self.health.wait_up()
        await self._connect()
        log.info(
            "%s feed LISTEN re-established; catching up after %s", self.source.channel, self.last
        )

    async def _fetch(self) -> None:
        async with self._reading:
            if not self.subscribers:  # nobody to hand changes to: no read at each wake-up
                self._idle = True
                return
            self._idle = False
            await self._read_new()

    async def _read_new(self) -> None:
        assert self._conn is not None
        while True:
            rows = await self.source.changes_after(self._conn, self.last, FETCH_BATCH)
            for row in rows:
                shared = SharedRow(row)  # one per row: its value is built once for all
                for sub in list(self.subscribers.get(row["workspace"], ())):
                    sub.offer(shared)
            if rows:
                self.last = cursor_of(rows[-1])
            if len(rows) < FETCH_BATCH:
                return
