"""Read-model queries of the capacity plan (asyncpg), scoped to a workspace."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from okrank.api.backlog.reads import ITEM_COLUMNS
from okrank.api.database.read_pool import ReadPool
from okrank.api.rankings.reads import RANKING_ORDER

Row = asyncpg.Record


async def plan_ranking(
    pool: ReadPool, workspace: str, objective_id: UUID, method: str
) -> list[Row]:
    """An objective's whole ranking, best first, with each item's effort; items parked as
    NOT_NOW are not planned."""
    return await pool.fetch(
        f"SELECT {ITEM_COLUMNS} FROM ranking_entries r JOIN backlog_items i ON i.id = r.item_id"
        " WHERE r.workspace = $1 AND r.scope = $2 AND r.method = $3 AND i.status <> 'NOT_NOW'"
        f" ORDER BY {RANKING_ORDER}",
        workspace,
        objective_id,
        method,
    )
