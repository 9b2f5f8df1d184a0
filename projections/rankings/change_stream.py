"""Reading the ranking-change outbox (ranking_changes, written by the catalog view): the one
home of its queries, for the live feed, for a subscriber resuming from a cursor, and for webhooks.

A change's cursor is (event position, ordinal); reads go in cursor order. Asynchronous
(asyncpg): the readers are the API process's event loop.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

ChangeCursor = tuple[int, int]  # (event position, ordinal)
BEFORE_ALL: ChangeCursor = (0, -1)  # a cursor before every change

SELECT = (
    "SELECT position, ordinal, workspace, scope, method, item_id, old_rank, new_rank,"
    " old_priority, new_priority, count, cause, actor, at FROM ranking_changes"
)
Reader = asyncpg.Pool | asyncpg.Connection


def cursor_of(row: Any) -> ChangeCursor:
    return (row["position"], row["ordinal"])


async def last_cursor(reader: Reader) -> ChangeCursor | None:
    """The newest change's cursor; None if there is none (UndefinedTableError before the
    projections have created the outbox)."""
    row = await reader.fetchrow(
        "SELECT position, ordinal FROM ranking_changes ORDER BY position DESC, ordinal DESC LIMIT 1"
    )
    return cursor_of(row) if row else None


async def changes_after(reader: Reader, after: ChangeCursor, limit: int) -> list[Any]:
    """Every workspace's changes after `after` (the live feed reads them once per process)."""
    return await reader.fetch(
        f"{SELECT} WHERE (position, ordinal) > ($1, $2) ORDER BY position, ordinal LIMIT $3",
        *after,
        limit,
    )


async def workspace_changes_after(
    reader: Reader, workspace: str, scope: UUID | None, after: ChangeCursor, limit: int
) -> list[Any]:
    """One workspace's changes after `after`, of one ranking scope (None: every scope): a
    subscriber resuming from its cursor, and a webhook's next delivery."""
    return await reader.fetch(
        f"{SELECT} WHERE workspace = $1 AND ($2::uuid IS NULL OR scope = $2)"
        " AND (position, ordinal) > ($3, $4) ORDER BY position, ordinal LIMIT $5",
        workspace,
        scope,
        *after,
        limit,
    )
