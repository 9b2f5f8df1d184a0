"""Read-model queries of rankings, multipliers and the tag history (asyncpg), scoped to a
workspace."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from okrank.api.backlog.reads import ITEM_COLUMNS
from okrank.api.commands.progress import APPLICATION_NAME
from okrank.api.database.read_pool import ReadPool
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


# The catalog's tracking position: while it stays put, no ranking of the read model moves (the
# catalog view writes ranking_entries and advances it in the same transaction), so a rank read
# at it still holds (api/rankings/cursors.py).
CATALOG_POSITION = (  # max(): one row, or the library's multi-row tracking's latest
    "(SELECT max(notification_id) FROM catalog_tracking"
    f" WHERE application_name = '{APPLICATION_NAME}')"
)


def page_statement(
    item_columns: str, after: bool, objective: bool, eligible_only: bool, limit: int
) -> str:
    """A page's one statement: $1 workspace, $2 scope, $3 method, then (after a cursor) $4…$8
    its keyset position, $9 the catalog's position its rank was read at and $10 whether to
    count. Each shape is its own text: with one text (`$4 IS NULL OR key > …`, `NOT $x OR
    eligible`) a generic plan could not seek the index to the cursor, nor count from the index
    alone. The limit is written into the text: bound as a parameter, the generic plan assumes
    a tenth of the entries, costs more than a custom plan that knows the limit, and PostgreSQL
    then plans every execution anew (0.19 ms of its CPU per page, once ANALYZE has counted
    the entries: the page's PostgreSQL CPU doubled)."""
    eligible = " AND r.eligible" if eligible_only else ""
    rows_after = f" AND ({RANKING_ORDER}) > ($4, $5, $6, $7, $8)" if after else ""
    # `counted_before`: the entries before the cursor (O(depth)), NULL when not wanted ($10) or
    # when the cursor's rank still holds (the catalog still at $9); an InitPlan, run only if
    # CASE needs it.
    before = (
        f", CASE WHEN NOT $10 OR $9::bigint = {CATALOG_POSITION} THEN NULL ELSE"
        " (SELECT count(*) FROM ranking_entries r WHERE r.workspace = $1 AND r.scope = $2"
        f" AND r.method = $3{eligible} AND ({RANKING_ORDER}) <= ($4, $5, $6, $7, $8))"
        " END AS counted_before"
        if after
        else ""
    )
    page = (
        f"SELECT {CATALOG_POSITION} AS at_position, r.base_score, r.multiplier, r.tier,"
        f" r.priority, r.eligible, r.k_unscored, r.k_priority, r.k_base, {item_columns}{before}"
        " FROM ranking_entries r JOIN backlog_items i ON i.id = r.item_id"
        f" WHERE r.workspace = $1 AND r.scope = $2 AND r.method = $3{eligible}{rows_after}"
        f" ORDER BY {RANKING_ORDER} LIMIT {int(limit)}"
    )
    if not objective:
        return page
    # One row per entry; one row of nulls for an objective with no entries; none at all for an
    # unknown objective.
    return (
        "SELECT p.* FROM objectives o"
        f" LEFT JOIN LATERAL ({page}) p ON true WHERE o.workspace = $1 AND o.id = $2"
    )


async def ranking_page(
    pool: ReadPool,
    workspace: str,
    scope: UUID | None,
    method: str,
    after: tuple[int, float, float, int, UUID] | None,
    limit: int,
    eligible_only: bool,
    item_columns: str = ITEM_COLUMNS,
    *,
    known: tuple[int, int] | None = None,
    count: bool = True,
) -> tuple[int | None, list[Row]] | None:
    """Rows after the keyset cursor, and how many rows precede the first of them; None when
    `scope` names no objective of the workspace (checked in the same statement: one round trip
    per page). Each row has the entry's columns, the item's `item_columns` (all by default;
    i.id and i.seq at least) and `at_position`, the catalog's position the page was read at.

    `known`: the cursor's (rank, position); its rank is the answer while the catalog is still
    at that position, else the entries before are counted. With `count` False nothing is
    counted and the answer is None (the query selects no rank)."""
    text = page_statement(item_columns, after is not None, scope is not None, eligible_only, limit)
    args: tuple[object, ...] = (workspace, scope or PRODUCT_SCOPE, method)
    if after is not None:
        args += (*after, known[1] if known else None, count)
    rows = await pool.fetch(text, *args)
    if scope is not None:
        if not rows:
            return None
        if rows[0]["id"] is None:
            rows = []
    if after is None:
        return 0, rows
    if not count or not rows:  # no rank wanted, or past the end: no rank to show
        return None, rows
    counted = rows[0]["counted_before"]
    if counted is None and known is not None:  # the catalog has not moved since the cursor
        return known[0], rows
    return counted, rows


async def ranking_count(
    pool: ReadPool, workspace: str, scope: UUID | None, method: str, eligible_only: bool
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
    pool: ReadPool,
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


async def multipliers(pool: ReadPool, workspace: str) -> Row | None:
    return await pool.fetchrow("SELECT * FROM workspaces WHERE workspace = $1", workspace)
