"""Read-your-writes: know how far each read model has got, and wait for a position.

Views NOTIFY `okrank_progress` with "<view>:<position>" in the transaction that records their
tracking; this process LISTENs on one asyncpg connection. If notifications stop, waiting falls
back to reading the tracking tables. If the connection is lost, the database's health is
suspected and, once it is up again, the LISTEN is re-established and every position re-read
(what the views did meanwhile was not notified to this connection). A view stopped on a poison
event (api.stopped_views) ends the wait at once with ReadModelStoppedError.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

import asyncpg

from okrank.api.database.health import DatabaseHealth, is_unavailable
from okrank.api.http import stopped_views
from okrank.api.http.stopped_views import ReadModelStoppedError, StoppedView
from okrank.projections.engine.database_settings import CONNECT_TIMEOUT_SECONDS
from okrank.projections.engine.runner import VIEWS
from okrank.projections.engine.status import STATUS_CHANNEL
from okrank.projections.engine.view import PROGRESS_CHANNEL

log = logging.getLogger("okrank.progress")
APPLICATION_NAME = "okrank"


class ProgressConnectionLost(ConnectionError):
    """Positions cannot be read: the LISTEN connection is being re-established."""


class Progress:
    def __init__(self, database_url: str, health: DatabaseHealth) -> None:
        self.database_url = database_url
        self.health = health
        self.positions: dict[str, int] = {v.view_name: 0 for _, v in VIEWS}
        # When each view last advanced (monotonic clock): how long a lagging view has been stuck.
        self.advanced_at: dict[str, float] = dict.fromkeys(self.positions, time.monotonic())
        self.topics: dict[str, frozenset[str]] = {
            v.view_name: frozenset(v.topics()) for _, v in VIEWS
        }
        # Replaced on every advance: a waiter holds the current one, so no wake-up is lost.
        self._advanced = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._reads = asyncio.Lock()  # one query at a time on the listening connection
        self._task: asyncio.Task[None] | None = None
        self.stopped: dict[str, StoppedView] = {}
        self._status_reload: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def start(self) -> None:
        await self._connect()
        self._task = asyncio.create_task(self._keep_connected())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self.database_url, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            await conn.add_listener(PROGRESS_CHANNEL, self._on_notify)
            await conn.add_listener(STATUS_CHANNEL, self._on_status)
            conn.add_termination_listener(self._on_lost)
        except BaseException:
            conn.terminate()
            raise
        self._conn = conn
        await self.refresh()  # after LISTEN: no advance falls between the two

    def _on_lost(self, conn: object) -> None:
        if conn is self._conn:  # not our own close in stop()
            self._lost.set()
            self.health.suspect()

    async def _keep_connected(self) -> None:
        """Re-establish the LISTEN whenever its connection is lost."""
        while True:
            await self._lost.wait()
            self._lost.clear()
            if self._conn is not None:
                self._conn.terminate()
                self._conn = None
            while self._conn is None:
                await self.health.wait_up()
                try:
                    await self._connect()
                except Exception as exc:
                    if self._conn is not None:
                        self._conn.terminate()
                        self._conn = None
                    if not is_unavailable(exc):
                        log.exception("progress LISTEN could not be re-established")
                    self.health.suspect(exc)
                    await asyncio.sleep(0.2)  # the probe, not this loop, paces retries
            log.info("progress LISTEN re-established")

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        view, _, position = payload.partition(":")
        if view in self.positions:
            self._advance(view, int(position))

    def _on_status(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        self._status_reload = asyncio.get_running_loop().create_task(self._reload_status())

    async def _reload_status(self) -> None:
        conn = self._conn
        if conn is None:
            return  # reconnecting: refresh() reads the status again
        try:
            async with self._reads:
                self.stopped = await stopped_views.load(conn)
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
            self.advanced_at[view] = time.monotonic()
            self._wake()

    async def refresh(self) -> None:
        """Read every view's tracking position from the database."""
        conn = self._conn
        if conn is None or conn.is_closed():
            raise ProgressConnectionLost("the progress connection is being re-established")
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
