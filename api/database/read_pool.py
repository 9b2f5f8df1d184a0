"""The API process's PostgreSQL connections for reads and short transactions: handed out first
come, first served, at the cost of a list pop and append.

Why not asyncpg's Pool (0.32), measured under callgrind on the same `SELECT 1`: a query on a
held connection costs 105 k instructions, through the pool 284 k. Its acquire makes a proxy
object and arms an inactivity timer; its release runs in a task of its own (asyncio.shield),
which costs the event loop extra turns per query: 4% of a ranking read. And its waiting is not
fair: a released connection wakes the oldest waiter, but a request arriving before that waiter
runs takes it first (asyncio.Queue.get), so under overload a few requests are overtaken again
and again. Here a released connection goes straight to the oldest waiter.

The connections carry no session state to undo (so none of asyncpg's reset: advisory unlock,
CLOSE ALL, UNLISTEN, RESET ALL): they serve reads and transactions that end before release;
LISTEN and session advisory locks live on dedicated connections. A connection that comes back
closed, inside a transaction, or from a statement interrupted on the client side (a timeout, a
cancellation: PostgreSQL may still be running it) is never handed out again: it is terminated
and its place goes to a new connection. An error PostgreSQL reports leaves it usable.

Idle connections stay open (asyncpg closed those idle for 5 minutes): at most the pool's size,
which pool_size.py keeps within PostgreSQL's connection limit.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

Init = Callable[[asyncpg.Connection], Awaitable[None]]


class ReadPool:
    """At most `max_size` connections to `dsn`; the idle ones are reused most recent first
    (their caches are warm), waiters are served in arrival order."""

    def __init__(
        self,
        dsn: str,
        *,
        max_size: int,
        min_size: int = 0,
        init: Init | None = None,
        connect_timeout: float = 60.0,
        command_timeout: float | None = None,
    ) -> None:
        if not 0 <= min_size <= max_size or max_size < 1:
            raise ValueError(f"a pool of {min_size} to {max_size} connections")
        self._dsn, self._init = dsn, init
        self._max_size, self._min_size = max_size, min_size
        self._connect_timeout, self._command_timeout = connect_timeout, command_timeout
        self._idle: list[asyncpg.Connection] = []
        # A waiter's future gets a connection, or None: a place is free, open one there.
        self._waiters: collections.deque[asyncio.Future[asyncpg.Connection | None]] = (
            collections.deque()
        )
        self._size = 0  # connections open or being opened, idle or lent
        self._closing = False

    @classmethod
    async def open(cls, dsn: str, **options: Any) -> ReadPool:
        """A pool with its `min_size` connections open (a database that cannot be reached
        fails here, at start-up)."""
        pool = cls(dsn, **options)
        opened = await asyncio.gather(*(pool._take() for _ in range(pool._min_size)))
        for conn in opened:
            pool._give_back(conn, None)
        return pool

    @property
    def size(self) -> int:
        """Connections open or being opened now."""
        return self._size

    @property
    def waiting(self) -> int:
        """Callers waiting for a connection now."""
        return sum(not waiter.done() for waiter in self._waiters)

    def acquire(self) -> Lease:
        """`async with pool.acquire() as conn:` a connection of one's own until the block ends."""
        return Lease(self)

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[Any]:
        return await self._on_a_connection(asyncpg.Connection.fetch, query, *args, timeout=timeout)

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> Any:
        return await self._on_a_connection(
            asyncpg.Connection.fetchrow, query, *args, timeout=timeout
        )

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        return await self._on_a_connection(
            asyncpg.Connection.fetchval, query, *args, column=column, timeout=timeout
        )

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        return await self._on_a_connection(
            asyncpg.Connection.execute, query, *args, timeout=timeout
        )

    async def _on_a_connection(self, method: Any, *args: Any, **options: Any) -> Any:
        """One statement on a connection taken for it alone (no `async with`: a call less)."""
        conn = await self._take()
        try:
            result = await method(conn, *args, **options)
        except BaseException as exc:
            self._give_back(conn, exc)
            raise
        self._give_back(conn, None)
        return result

    async def close(self) -> None:
        """Close the idle connections now and each lent one when it comes back; waiters and
        later callers get InterfaceError."""
        self._closing = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(asyncpg.InterfaceError("the pool is closing"))
        idle, self._idle = self._idle, []
        self._size -= len(idle)
        await asyncio.gather(
            *(conn.close(timeout=self._connect_timeout) for conn in idle), return_exceptions=True
        )

    async def _take(self) -> asyncpg.Connection:
        if self._closing:
            raise asyncpg.InterfaceError("the pool is closing")
        while self._idle:
            conn = self._idle.pop()
            if not conn.is_closed():  # the server may have gone since (a restart, an outage)
                return conn
            self._size -= 1
        if self._size < self._max_size:
            self._size += 1
            return await self._connect()
        return await self._wait()

    async def _wait(self) -> asyncpg.Connection:
        waiter: asyncio.Future[asyncpg.Connection | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiters.append(waiter)
        try:
            conn = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed over as the waiter was cancelled
                handed = waiter.result()
                if handed is None:
                    self._free_place()
                else:
                    self._give_back(handed, None)
            raise
        if conn is None:
            return await self._connect()  # the place was kept for this waiter
        return conn

    async def _connect(self) -> asyncpg.Connection:
        """Open a connection in a place already counted in `_size`."""
        try:
            conn = await asyncpg.connect(
                self._dsn, timeout=self._connect_timeout, command_timeout=self._command_timeout
            )
            try:
                if self._init is not None:
                    await self._init(conn)
            except BaseException:
                conn.terminate()
                raise
        except BaseException:
            self._free_place()
            raise
        return conn

    def _give_back(self, conn: asyncpg.Connection, error: BaseException | None) -> None:
        if _may_interrupt(error) or self._closing or conn.is_closed() or conn.is_in_transaction():
            conn.terminate()
            self._free_place()
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._idle.append(conn)

    def _free_place(self) -> None:
        """A connection is gone: its place goes to the oldest waiter, who opens a new one."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._size -= 1


def _may_interrupt(error: BaseException | None) -> bool:
    """Whether `error` may have stopped a statement half-way on the client side: a cancellation
    (not an Exception), a timeout, a broken or busy connection. Errors PostgreSQL reports, and
    the caller's own errors raised between statements, leave the connection usable."""
    if error is None:
        return False
    return not isinstance(error, Exception) or isinstance(
        error, TimeoutError | asyncpg.InterfaceError | OSError
    )


class Lease:
    """One connection of a ReadPool, from `async with` to its end."""

    __slots__ = ("_conn", "_pool")

    def __init__(self, pool: ReadPool) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        self._conn = await self._pool._take()
        return self._conn

    async def __aexit__(self, kind: Any, error: BaseException | None, trace: Any) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool._give_back(conn, error)
