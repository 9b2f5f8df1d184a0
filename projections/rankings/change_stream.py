"""Reading the change outboxes (written by the catalog view): ranking changes
(`ranking_changes`) and OKR changes (`okr_changes`). The one home of their queries, for the live
feeds, for a subscriber resuming from a cursor, for webhooks and for their metrics: no other
module reads an outbox table.

A change's cursor is (event position, ordinal); reads go in cursor order. Asynchronous
(asyncpg): the readers are the API process's event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import asyncpg

from okrank.projections.catalog.okr_changes import OKR_CHANNEL
from okrank.projections.rankings.ranking_changes import RANKING_CHANNEL

ChangeCursor = tuple[int, int]  # (event position, ordinal)
BEFORE_ALL: ChangeCursor = (0, -1)  # a cursor before every change


class Reader(Protocol):
    """What reads an outbox: a connection, or the API's pool of them."""

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...

    async def fetchrow(self, query: str, *args: Any) -> Any: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...


def cursor_of(row: Any) -> ChangeCursor:
    return (row["position"], row["ordinal"])


@dataclass(frozen=True)
class Follower:
    """Where one reader of an outbox is: its workspace, its scope (None: the whole workspace)
    and the cursor of the last change it has."""

    workspace: str
    scope: UUID | None
    after: ChangeCursor


@dataclass(frozen=True)
class Outbox:
    """An outbox's reads: its table, the columns a row carries, the column a subscriber's scope
    matches, and the channel its writer NOTIFYs."""

    table: str
    columns: str
    scope_column: str
    channel: str

    async def last_cursor(self, reader: Reader) -> ChangeCursor | None:
        """The newest change's cursor; None if there is none (UndefinedTableError before the
        projections have created the outbox)."""
        row = await reader.fetchrow(
            f"SELECT position, ordinal FROM {self.table}"
            " ORDER BY position DESC, ordinal DESC LIMIT 1"
        )
        return cursor_of(row) if row else None

    async def start_cursor(self, reader: Reader) -> ChangeCursor:
        """Where a new reader starts to receive only what comes next (a new webhook)."""
        try:
            return await self.last_cursor(reader) or BEFORE_ALL
        except asyncpg.UndefinedTableError:  # no change yet: the projections have not run
            return BEFORE_ALL

    async def changes_after(self, reader: Reader, after: ChangeCursor, limit: int) -> list[Any]:
        """Every workspace's changes after `after` (a live feed reads them once per process)."""
        return await reader.fetch(
            f"SELECT {self.columns} FROM {self.table}"
            " WHERE (position, ordinal) > ($1, $2) ORDER BY position, ordinal LIMIT $3",
            *after,
            limit,
        )

    async def workspace_changes_after(
        self, reader: Reader, workspace: str, scope: UUID | None, after: ChangeCursor, limit: int
    ) -> list[Any]:
        """One workspace's changes after `after`, of one scope (None: every scope): a
        subscriber resuming from its cursor, and a webhook's next delivery."""
        return await reader.fetch(
            f"SELECT {self.columns} FROM {self.table} WHERE workspace = $1"
            f" AND ($2::uuid IS NULL OR {self.scope_column} = $2)"
            " AND (position, ordinal) > ($3, $4) ORDER BY position, ordinal LIMIT $5",
            workspace,
            scope,
            *after,
            limit,
        )

    async def pending(self, reader: Reader, followers: Sequence[Follower]) -> int:
        """How many changes the followers have still to receive, all together (webhooks'
        backlog). UndefinedTableError before the projections have created the outbox."""
        if not followers:
            return 0
        return await reader.fetchval(
            f"SELECT count(*) FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::int[])"
            f" AS f(workspace, scope, position, ordinal) JOIN {self.table} c"
            " ON c.workspace = f.workspace"
            f" AND (f.scope IS NULL OR c.{self.scope_column} = f.scope)"
            " AND (c.position, c.ordinal) > (f.position, f.ordinal)",
            [f.workspace for f in followers],
            [f.scope for f in followers],
            [f.after[0] for f in followers],
            [f.after[1] for f in followers],
        )


RANKING_CHANGES = Outbox(
    "ranking_changes",
    "position, ordinal, workspace, scope, method, item_id, old_rank, new_rank,"
    " old_priority, new_priority, count, cause, actor, at",
    "scope",
    RANKING_CHANNEL,
)
# Every column: a new kind of OKR change may bring its own.
OKR_CHANGES = Outbox("okr_changes", "*", "objective_id", OKR_CHANNEL)

# The ranking stream's reads under their first names.
last_cursor = RANKING_CHANGES.last_cursor
changes_after = RANKING_CHANGES.changes_after
workspace_changes_after = RANKING_CHANGES.workspace_changes_after
