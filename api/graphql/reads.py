"""Read-model queries (asyncpg). Every query is scoped to the caller's workspace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from okrank.domain.rankings.entries import PRODUCT_SCOPE

Row = asyncpg.Record

ITEM_COLUMNS = (
    "i.id, i.seq, i.title, i.description, i.kind, i.status, i.reach, i.impact, i.confidence,"
    " i.effort, i.rice_score, i.business_value, i.time_criticality, i.risk_reduction,"
    " i.job_size, i.wsjf_score, i.justification, i.version, i.created_at, i.created_by,"
    " i.updated_at, i.external_key, i.labels"
)


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


async def items_by_id(pool: asyncpg.Pool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        f"SELECT {ITEM_COLUMNS} FROM backlog_items i WHERE workspace = $1 AND id = ANY($2::uuid[])",
        workspace,
        ids,
    )


async def tags_of(pool: asyncpg.Pool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT t.*, o.status AS objective_status FROM item_tags t"
        " JOIN objectives o ON o.id = t.objective_id"
        " WHERE t.workspace = $1 AND t.item_id = ANY($2::uuid[]) ORDER BY t.tagged_at",
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


async def items_page(
    pool: asyncpg.Pool,
    workspace: str,
    status: str | None,
    kind: str | None,
    objective_id: UUID | None,
    tagged: bool | None,
    after_seq: int,
    limit: int,
) -> list[Row]:
    return await pool.fetch(
        f"SELECT {ITEM_COLUMNS} FROM backlog_items i WHERE i.workspace = $1 AND i.seq > $2"
        " AND ($3::text IS NULL OR i.status = $3) AND ($4::text IS NULL OR i.kind = $4)"
        " AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM item_tags t"
        "      WHERE t.item_id = i.id AND t.objective_id = $5))"
        " AND ($6::bool IS NULL OR $6 = EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id))"
        " ORDER BY i.seq LIMIT $7",
        workspace,
        after_seq,
        status,
        kind,
        objective_id,
        tagged,
        limit,
    )


RANKING_KEY = "(r.k_unscored, r.k_priority, r.k_base, r.seq, r.item_id)"


async def ranking_page(
    pool: asyncpg.Pool,
    workspace: str,
    scope: UUID | None,
    method: str,
    after: tuple[int, float, float, int, UUID] | None,
    limit: int,
    eligible_only: bool,
) -> tuple[int, list[Row]] | None:
    """Rows after the keyset cursor, and how many rows precede the first of them; None when
    `scope` names no objective of the workspace. The objective's existence is checked in the
    same statement (one round trip per page, not two)."""
    page = (
        f"SELECT r.base_score, r.multiplier, r.tier, r.priority, r.eligible, r.k_unscored,"
        f" r.k_priority, r.k_base, {ITEM_COLUMNS}"
        " FROM ranking_entries r JOIN backlog_items i ON i.id = r.item_id"
        " WHERE r.workspace = $1 AND r.scope = $2 AND r.method = $3"
        " AND (NOT $4 OR r.eligible)"
        f" AND ($5::smallint IS NULL OR {RANKING_KEY} > ($5, $6, $7, $8, $9))"
        " ORDER BY r.k_unscored, r.k_priority, r.k_base, r.seq, r.item_id LIMIT $10"
    )
    if scope is not None:
        # One row per entry; one row of nulls for an objective with no entries; none at all
        # for an unknown objective.
        page = (
            f"SELECT p.* FROM objectives o LEFT JOIN LATERAL ({page}) p ON true"
            " WHERE o.workspace = $1 AND o.id = $2"
        )
    args = (workspace, scope or PRODUCT_SCOPE, method, eligible_only, *(after or (None,) * 5))
    async with pool.acquire() as conn:
        rows = await conn.fetch(page, *args, limit)
        if scope is not None:
            if not rows:
                return None
            if rows[0]["id"] is None:
                rows = []
        before = 0
        if after is not None:
            before = await conn.fetchval(
                "SELECT count(*) FROM ranking_entries r"
                " WHERE r.workspace = $1 AND r.scope = $2 AND r.method = $3"
                f" AND (NOT $4 OR r.eligible) AND {RANKING_KEY} <= ($5, $6, $7, $8, $9)",
                *args,
            )
    return before, rows


async def ranking_count(
    pool: asyncpg.Pool, workspace: str, scope: UUID | None, method: str, eligible_only: bool
) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM ranking_entries WHERE workspace = $1 AND scope = $2"
        " AND method = $3 AND (NOT $4 OR eligible)",
        workspace,
        scope or PRODUCT_SCOPE,
        method,
        eligible_only,
    )


async def tag_events_page(
    pool: asyncpg.Pool,
    workspace: str,
    item_id: UUID | None,
    objective_id: UUID | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    before_position: int | None,
    limit: int,
    key_result_id: UUID | None = None,
    tier: str | None = None,
) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM tag_events WHERE workspace = $1"
        " AND ($2::uuid IS NULL OR item_id = $2) AND ($3::uuid IS NULL OR objective_id = $3)"
        " AND ($4::text IS NULL OR actor = $4) AND ($5::timestamptz IS NULL OR at >= $5)"
        " AND ($6::timestamptz IS NULL OR at < $6) AND ($7::bigint IS NULL OR position < $7)"
        # A key result or tier a decision sets, or (retag, untag) takes away.
        " AND ($9::uuid IS NULL OR key_result_id = $9 OR previous_key_result_id = $9)"
        " AND ($10::text IS NULL OR tier = $10 OR previous_tier = $10)"
        " ORDER BY position DESC LIMIT $8",
        workspace,
        item_id,
        objective_id,
        actor,
        since,
        until,
        before_position,
        limit,
        key_result_id,
        tier,
    )


async def multipliers(pool: asyncpg.Pool, workspace: str) -> Row | None:
    return await pool.fetchrow("SELECT * FROM workspaces WHERE workspace = $1", workspace)
