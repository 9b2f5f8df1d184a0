"""The shape most read-model queries share: the rows one SQL statement selects with the
caller's workspace as $1 and one key as $2 (an ID, a list of IDs, a team)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from okrank.api.database.read_pool import ReadPool

K = TypeVar("K")
Row = asyncpg.Record


def workspace_rows(key: type[K], sql: str) -> Callable[[ReadPool, str, K], Awaitable[list[Row]]]:
    """`read(pool, workspace, key)`: the rows `sql` selects for them (`key` names the type of
    the key, for the readers' type hints)."""

    async def read(pool: ReadPool, workspace: str, key: K) -> list[Row]:
        return await pool.fetch(sql, workspace, key)

    return read
