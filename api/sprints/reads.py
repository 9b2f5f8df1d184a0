"""Read-model queries of sprints, their items, and the zombie list's inputs (asyncpg), scoped to
a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool
from okrank.api.database.reads import workspace_rows
from okrank.domain.backlog.item import UNRANKED_STATUSES

Row = asyncpg.Record
CLOSED_ITEM_STATUSES = sorted(s.value for s in UNRANKED_STATUSES)  # what "open" excludes


async def sprints_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM sprints WHERE workspace = $1 AND id = ANY($2::uuid[])", workspace, ids
    )


async def sprints_page(
    pool: ReadPool,
    workspace: str,
    team: str | None,
    cycle: str | None,
    after_seq: int,
    limit: int,
) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM sprints WHERE workspace = $1 AND seq > $2"
        " AND ($3::text IS NULL OR team = $3) AND ($4::text IS NULL OR cycle = $4)"
        " ORDER BY seq LIMIT $5",
        workspace,
        after_seq,
        team,
        cycle,
        limit,
    )


async def sprint_items_of(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    """The items planned into these sprints, in the order planned."""
    return await pool.fetch(
        "SELECT * FROM sprint_items WHERE workspace = $1 AND sprint_id = ANY($2::uuid[])"
        " ORDER BY seq",
        workspace,
        ids,
    )


async def key_results_tagged(pool: ReadPool, workspace: str, item_ids: Sequence[UUID]) -> list[Row]:
    """(item_id, key_result_id) of every tag of these items that names a key result."""
    return await pool.fetch(
        "SELECT item_id, key_result_id FROM item_tags WHERE workspace = $1"
        " AND item_id = ANY($2::uuid[]) AND key_result_id IS NOT NULL ORDER BY tagged_at",
        workspace,
        item_ids,
    )


async def key_results_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM key_results WHERE workspace = $1 AND id = ANY($2::uuid[]) ORDER BY seq",
        workspace,
        ids,
    )


async def zombie_thresholds(pool: ReadPool, workspace: str) -> Row | None:
    return await pool.fetchrow("SELECT * FROM zombie_thresholds WHERE workspace = $1", workspace)


async def untagged_open_items(pool: ReadPool, workspace: str, team: str) -> list[Row]:
    """The team's open items with no tag to an ACTIVE objective, oldest first: their id and
    creation time (the zombie rule's inputs; the page shown loads its items by id). The active
    objectives are read once (an array), so each item costs one probe of its tags' index."""
    return await pool.fetch(
        "SELECT i.id, i.created_at FROM backlog_items i WHERE i.workspace = $1 AND i.team = $2"
        " AND i.status <> ALL($3::text[]) AND NOT EXISTS (SELECT 1 FROM item_tags t"
        " WHERE t.item_id = i.id AND t.objective_id = ANY(ARRAY(SELECT o.id FROM objectives o"
        " WHERE o.workspace = $1 AND o.status = 'ACTIVE'))) ORDER BY i.seq",
        workspace,
        team,
        CLOSED_ITEM_STATUSES,
    )


closed_sprints_of = workspace_rows(  # (pool, workspace, team)
    str,
    "SELECT * FROM sprints WHERE workspace = $1 AND team = $2 AND status = 'CLOSED'"
    " ORDER BY started_at",
)
