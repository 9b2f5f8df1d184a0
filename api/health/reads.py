"""Read-model queries of health metrics and their readings (asyncpg), scoped to a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record


async def metrics_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM health_metrics WHERE workspace = $1 AND id = ANY($2::uuid[]) ORDER BY seq",
        workspace,
        ids,
    )


async def metrics_page(
    pool: ReadPool,
    workspace: str,
    team: str | None,
    archived: bool,
    after_seq: int,
    limit: int,
) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM health_metrics WHERE workspace = $1 AND ($2::text IS NULL OR team = $2)"
        " AND ($3 OR NOT archived) AND seq > $4 ORDER BY seq LIMIT $5",
        workspace,
        team,
        archived,
        after_seq,
        limit,
    )


async def readings_page(
    pool: ReadPool, metric_id: UUID, before: int | None, limit: int
) -> list[Row]:
    """Newest first: readings before position `before` (None: from the newest)."""
    return await pool.fetch(
        "SELECT * FROM health_readings WHERE metric_id = $1"
        " AND ($2::bigint IS NULL OR position < $2) ORDER BY position DESC LIMIT $3",
        metric_id,
        before,
        limit,
    )
