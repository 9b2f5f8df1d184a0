"""One consistent view of the read models for a read of several statements."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from okrank.api.database.read_pool import ReadPool


@contextlib.asynccontextmanager
async def snapshot(pool: ReadPool) -> AsyncIterator[Any]:
    """A connection in a read-only REPEATABLE READ transaction: every statement sees the tables
    as they stood at the first, whatever the projections write meanwhile."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        yield conn
