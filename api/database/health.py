"""Is PostgreSQL reachable? One answer per process, shared by every user of a connection.

Any component that meets a connection failure (a query on the pool, the LISTEN connections of
`Progress` and `RankingFeed`, a command in the event store) calls `suspect()`. That starts one
probe: it opens a fresh connection and runs `SELECT 1`. If the probe fails, the database is
marked down: requests are refused at once with 503 (no pool waits, no retries piling up) and the
probe keeps trying with backoff until a connection succeeds; then the database is up again and
every component waiting in `wait_up()` reconnects. A suspicion that the probe disproves (a
statement that failed for its own reasons) changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Iterable
from typing import Any, Protocol, TypeVar

import asyncpg
import psycopg
from eventsourcing import persistence

from okrank.api.database.read_pool import ReadPool
from okrank.projections.engine.database_settings import CONNECT_TIMEOUT_SECONDS, RETRY_AFTER_SECONDS

log = logging.getLogger("okrank.database")

FIRST_RETRY_SECONDS = 0.1

T = TypeVar("T")


class WentDown(Exception):
    """The database was found down while an operation was still waiting on it."""


class Listening(Protocol):
    """A component holding its own connection (a LISTEN), re-established after an outage."""

    @property
    def connected(self) -> bool: ...


# What a lost or unreachable server raises, by client library. asyncpg's InterfaceError is
# narrowed to "connection is closed" (it also reports misuse, which is a bug, not an outage).
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, no socket file
    TimeoutError,  # connect or command timeout
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.CannotConnectNowError,  # starting up, in recovery
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    psycopg.OperationalError,  # includes psycopg_pool.PoolTimeout and AdminShutdown
    psycopg.InterfaceError,
    persistence.OperationalError,  # the eventsourcing library's wrappers of the above
    persistence.InterfaceError,
)


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database could not be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "closed" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


class DatabaseHealth:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.down_since: float | None = None  # time.monotonic() when the probe first failed
        self.reason = ""
        self.outages = 0
        self._up = asyncio.Event()
        self._up.set()
        self._down = asyncio.Event()
        self._probe: asyncio.Task[None] | None = None

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def suspect(self, exc: BaseException | None = None) -> None:
        """A connection failed: check the database (once, however many report it)."""
        if self._probe is None or self._probe.done():
            if exc is not None:
                log.warning("database connection failed (%s); probing", type(exc).__name__)
            self._probe = asyncio.get_running_loop().create_task(self._run_probe())

    async def wait_up(self) -> None:
        """Return once the database is (again) reachable."""
        await self._up.wait()

    async def unless_down(self, operation: Awaitable[T]) -> T:
        """Await `operation`, or raise WentDown as soon as the database is found down: a command
        running in a worker thread may wait on the event store's pool and retries for many
        seconds; the client is answered now (the thread finishes on its own)."""
        task = asyncio.ensure_future(operation)
        down = asyncio.ensure_future(self._down.wait())
        try:
            await asyncio.wait((task, down), return_when=asyncio.FIRST_COMPLETED)
        finally:
            down.cancel()
        if task.done():
            return task.result()
        task.add_done_callback(_consume)
        raise WentDown

    async def not_ready(self, pool: ReadPool, listening: Iterable[Listening]) -> str | None:
        """Why this process cannot serve now, or None: the database is down, a LISTEN
        connection is still being re-established, or a query on the pool fails."""
        if self.down:
            return f"{self.reason} for {time.monotonic() - (self.down_since or 0):.1f} s"
        if not all(component.connected for component in listening):
            return "reconnecting to the database"
        try:
            await pool.fetchval("SELECT 1", timeout=CONNECT_TIMEOUT_SECONDS)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self.suspect(exc)
            return f"database unreachable ({type(exc).__name__})"
        return None

    async def stop(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe

    async def _run_probe(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                conn = await asyncpg.connect(self.database_url, timeout=CONNECT_TIMEOUT_SECONDS)
                try:
                    await conn.fetchval("SELECT 1", timeout=CONNECT_TIMEOUT_SECONDS)
                finally:
                    await conn.close(timeout=CONNECT_TIMEOUT_SECONDS)
            except Exception as exc:  # every failure of a fresh connection means "not reachable"
                self._mark_down(exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_AFTER_SECONDS)
                continue
            self._mark_up()
            return

    def _mark_down(self, exc: BaseException) -> None:
        self.reason = f"database unreachable ({type(exc).__name__})"
        if self.down_since is None:
            self.down_since = time.monotonic()
            self.outages += 1
            self._up.clear()
            self._down.set()
            log.error("database is down: %s", self.reason)

    def _mark_up(self) -> None:
        if self.down_since is not None:
            log.warning("database is back after %.1f s", time.monotonic() - self.down_since)
        self.down_since = None
        self.reason = ""
        self._down.clear()
        self._up.set()


def _consume(task: asyncio.Future[Any]) -> None:
    """An abandoned operation's outcome is logged, not left as "never retrieved"."""
    if not task.cancelled() and task.exception() is not None:
        log.info("an operation abandoned in an outage failed: %r", task.exception())
