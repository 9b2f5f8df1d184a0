"""Read-model queries of rankings, multipliers and the tag history (asyncpg), scoped to a
workspace."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from okrank.api.backlog.reads import ITEM_COLUMNS
from okrank.domain.rankings.entries import PRODUCT_SCOPE

Row = asyncpg.Record

# The ranking order in SQL, over `ranking_entries r`. Its k_* columns hold the domain's one sort
# key, okrank.domain.rankings.scoring.RankingEntry.sort_key, as the catalog projection stores it
# (k_unscored, k_priority, k_base), then seq and item_id: ORDER BY and every keyset comparison
# use this column list, so pages follow the domain's order exactly
# (tests/api/rankings/test_ranking_order.py compares them on the same rows).
RANKING_ORDER = "r.k_unscored, r.k_priority, r.k_base, r.seq, r.item_id"


def row_key(r: Row) -> tuple[int, float, float, int, UUID]:
    """A ranking page row's place in RANKING_ORDER: what its keyset cursor holds."""
    return (r["k_unscored"], r["k_priority"], r["k_base"], r["seq"], r["id"])


async def ranking_page(
    pool: asyncpg.Pool,
    workspace: str,
    scope: UUID | None,
    method: str,
    after: tuple[int, float, float, int, UUID] | None,
    limit: int,
    eligible_only: bool,
    item_columns: str = ITEM_COLUMNS,
) -> tuple[int, list[Row]] | None:
    """Rows after the keyset cursor, and how many rows precede the first of them; None when
    `scope` names no objective of the workspace. The objective's existence is checked in the
    same statement (one round trip per page, not two). Each row has the entry's columns and
    the item's `item_columns` (all of them by default; i.id and i.seq at least)."""
    page = (
        f"SELECT r.base_score, r.multiplier, r.tier, r.priority, r.eligible, r.k_unscored,"
        f" r.k_priority, r.k_base, {item_columns}"
        " FROM ranking_entries r JOIN backlog_items i ON i.id = r.item_id"
        " WHERE r.workspace = $1 AND r.scope = $2 AND r.method = $3"
        " AND (NOT $4 OR r.eligible)"
        f" AND ($5::smallint IS NULL OR ({RANKING_ORDER}) > ($5, $6, $7, $8, $9))"
        f" ORDER BY {RANKING_ORDER} LIMIT $10"
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
                f" AND (NOT $4 OR r.eligible) AND ({RANKING_ORDER}) <= ($5, $6, $7, $8, $9)",
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
