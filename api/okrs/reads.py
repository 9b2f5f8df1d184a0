"""Read-model queries of objectives and key results (asyncpg), scoped to a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record


async def objectives_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM objectives WHERE workspace = $1 AND id = ANY($2::uuid[])", workspace, ids
    )


async def key_results_of(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM key_results WHERE workspace = $1 AND objective_id = ANY($2::uuid[])"
        " ORDER BY seq",
        workspace,
        ids,
    )


async def objectives_page(
    pool: ReadPool,
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


async def hygiene_facts(
    pool: ReadPool, workspace: str, team: str, cycle: str, aligned_cycles: Sequence[str]
) -> Row:
    """What the hygiene rules need beyond the objective itself, in one round trip: the team's
    active key results and objectives in the cycle, whether the COMPANY level has objectives
    in `aligned_cycles`, and the workspace's check-in interval (null: the default)."""
    return await pool.fetchrow(
        "SELECT (SELECT count(*) FROM key_results k JOIN objectives o ON o.id = k.objective_id"
        "  WHERE o.workspace = $1 AND o.team = $2 AND o.cycle = $3 AND o.status = 'ACTIVE')"
        "  AS active_key_results,"
        " (SELECT count(*) FROM objectives WHERE workspace = $1 AND team = $2 AND cycle = $3"
        "  AND status <> 'ARCHIVED') AS objectives,"
        " EXISTS (SELECT 1 FROM objectives WHERE workspace = $1 AND level = 'COMPANY'"
        "  AND cycle = ANY($4::text[]) AND status <> 'ARCHIVED') AS company_has_objectives,"
        " (SELECT check_in_interval_days FROM workspaces WHERE workspace = $1)"
        "  AS check_in_interval_days",
        workspace,
        team,
        cycle,
        aligned_cycles,
    )


async def team_objectives(pool: ReadPool, workspace: str, team: str, cycle: str) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM objectives WHERE workspace = $1 AND team = $2 AND cycle = $3 ORDER BY seq",
        workspace,
        team,
        cycle,
    )


async def check_in_interval(pool: ReadPool, workspace: str) -> Row | None:
    return await pool.fetchrow(
        "SELECT check_in_interval_days, version FROM workspaces WHERE workspace = $1", workspace
    )


async def check_ins_between(
    pool: ReadPool,
    workspace: str,
    key_result_ids: Sequence[UUID],
    start: datetime,
    end: datetime,
) -> list[Row]:
    """The check-ins of these key results made in [start, end), oldest first."""
    return await pool.fetch(
        "SELECT * FROM key_result_check_ins WHERE workspace = $1"
        " AND key_result_id = ANY($2::uuid[]) AND checked_in_at >= $3 AND checked_in_at < $4"
        " ORDER BY position",
        workspace,
        key_result_ids,
        start,
        end,
    )


async def check_ins_page(
    pool: ReadPool, workspace: str, key_result_id: UUID, before: int | None, limit: int
) -> list[Row]:
    """A key result's check-ins, newest first, older than log position `before` if given."""
    return await pool.fetch(
        "SELECT * FROM key_result_check_ins WHERE workspace = $1 AND key_result_id = $2"
        " AND ($3::bigint IS NULL OR position < $3) ORDER BY position DESC LIMIT $4",
        workspace,
        key_result_id,
        before,
        limit,
    )


async def objective_of_key_result(
    pool: ReadPool, workspace: str, key_result_id: UUID
) -> UUID | None:
    """The objective holding a key result of this workspace, or None."""
    return await pool.fetchval(
        "SELECT objective_id FROM key_results WHERE workspace = $1 AND id = $2",
        workspace,
        key_result_id,
    )


async def check_ins_by_id(pool: ReadPool, workspace: str, ident: UUID) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM key_result_check_ins WHERE workspace = $1 AND id = $2", workspace, ident
    )


async def latest_check_ins(
    pool: ReadPool, workspace: str, key_result_ids: Sequence[UUID], limit: int
) -> list[Row]:
    """The newest `limit` check-ins of each key result, newest first: the first page of many
    key results' histories in one query."""
    return await pool.fetch(
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY key_result_id"
        "  ORDER BY position DESC) AS n FROM key_result_check_ins"
        "  WHERE workspace = $1 AND key_result_id = ANY($2::uuid[])) c"
        " WHERE n <= $3 ORDER BY key_result_id, position DESC",
        workspace,
        key_result_ids,
        limit,
    )
