"""Read-your-writes: know how far each read model has got, and wait for a position.

Views NOTIFY `okrank_progress` with "<view>:<position>" in the transaction that records their
tracking; this process LISTENs on one asyncpg connection. If notifications stop (a lost
connection), waiting falls back to reading the tracking tables. A view stopped on a poison event
(api.stopped_views) ends the wait at once with ReadModelStoppedError.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

import asyncpg

from api import stopped_views
from api.stopped_views import ReadModelStoppedError, StoppedView
from projections.runner import VIEWS
from projections.status import STATUS_CHANNEL
from projections.view import PROGRESS_CHANNEL

log = logging.getLogger("okrank.progress")
APPLICATION_NAME = "okrank"


class Progress:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.positions: dict[str, int] = {v.view_name: 0 for _, v in VIEWS}
        self.topics: dict[str, frozenset[str]] = {
            v.view_name: frozenset(v.topics()) for _, v in VIEWS
        }
        # Replaced on every advance: a waiter holds the current one, so no wake-up is lost.
        self._advanced = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self.stopped: dict[str, StoppedView] = {}
        self._reads = asyncio.Lock()  # one query at a time on the listening connection
        self._status_reload: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._conn = await asyncpg.connect(self.database_url)
        await self._conn.add_listener(PROGRESS_CHANNEL, self._on_notify)
        await self._conn.add_listener(STATUS_CHANNEL, self._on_status)
        await self.refresh()

    async def stop(self) -> None:
        if self._conn is not None:
            await self._conn.close()

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        view, _, position = payload.partition(":")
        if view in self.positions:
            self._advance(view, int(position))

    def _on_status(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        self._status_reload = asyncio.get_running_loop().create_task(self._reload_status())

    async def _reload_status(self) -> None:
        assert self._conn is not None, "start() first"
        try:
            async with self._reads:
                self.stopped = await stopped_views.load(self._conn)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("could not read projection status: %s", exc)  # refresh() reads it again
        self._wake()

    def _wake(self) -> None:
        advanced, self._advanced = self._advanced, asyncio.Event()
        advanced.set()

    def _advance(self, view: str, position: int) -> None:
        stop = self.stopped.get(view)
        if stop is not None and position >= stop.position:
            self.stopped = {k: v for k, v in self.stopped.items() if k != view}  # it moved on
        if position > self.positions[view]:
            self.positions[view] = position
            self._wake()

    async def refresh(self) -> None:
        """Read every view's tracking position from the database."""
        assert self._conn is not None, "start() first"
        conn = self._conn
        async with self._reads:
            self.stopped = await stopped_views.load(conn)
            for view in self.positions:
                try:
                    value = await conn.fetchval(
                        f'SELECT notification_id FROM "{view}_tracking"'
                        " WHERE application_name = $1",
                        APPLICATION_NAME,
                    )
                except asyncpg.UndefinedTableError:
                    value = None
                self._advance(view, value or 0)

    def _pending(self, position: int, topics: Iterable[str]) -> list[str]:
        topics = frozenset(topics)
        return [
            view
            for view, wanted in self.topics.items()
            if (not wanted or wanted & topics) and self.positions[view] < position
        ]

    async def wait(self, position: int | None, topics: Iterable[str], timeout: float = 5.0) -> bool:
        """Wait until every view that handles one of `topics` has processed `position`.

        Raises ReadModelStoppedError if one of them is stopped on a poison event before it."""
        if position is None:
            return True
        deadline = time.monotonic() + timeout
        while pending := self._pending(position, topics):
            for view in pending:
                if view in self.stopped:
                    raise ReadModelStoppedError(self.stopped[view])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning("read models did not reach position %s in %ss", position, timeout)
                return False
            try:
                await asyncio.wait_for(self._advanced.wait(), min(remaining, 0.25))
            except TimeoutError:
                await self.refresh()  # notifications may have been lost
        return True
