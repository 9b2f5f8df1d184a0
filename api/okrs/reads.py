"""Read-model queries of objectives and key results (asyncpg), scoped to a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

Row = asyncpg.Record


async def objectives_by_id(pool: asyncpg.Pool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM objectives WHERE workspace = $1 AND id = ANY($2::uuid[])", workspace, ids
    )


async def key_results_of(pool: asyncpg.Pool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM key_results WHERE workspace = $1 AND objective_id = ANY($2::uuid[])"
        " ORDER BY seq",
        workspace,
        ids,
    )


async def objectives_page(
    pool: asyncpg.Pool,
    workspace: str,
    cycle: str | None,
    status: str | None,
    level: str | None,
    after_seq: int,
    limit: int,
) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM objectives WHERE workspace = $1 AND seq > $2"
        " AND ($3::text IS NULL OR cycle = $3) AND ($4::text IS NULL OR status = $4)"
        " AND ($5::text IS NULL OR level = $5) ORDER BY seq LIMIT $6",
        workspace,
        after_seq,
        cycle,
        status,
        level,
        limit,
    )


async def team_active_key_results(pool: asyncpg.Pool, workspace: str, team: str, cycle: str) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM key_results k JOIN objectives o ON o.id = k.objective_id"
        " WHERE o.workspace = $1 AND o.team = $2 AND o.cycle = $3 AND o.status = 'ACTIVE'",
        workspace,
        team,
        cycle,
    )
