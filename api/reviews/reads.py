"""Read-model queries of quarterly reviews (asyncpg), scoped to a workspace: the review rows, their
verdicts, and the items their backlog reset archived, seeded or left to re-groom."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record
# Every column but the audit (read on its own, parsed once per version: api.reviews.audits).
REVIEW = (
    "id, workspace, seq, team, cycle, lag_days, phase, audit_final, audited_at, next_cycle,"
    " reset_reason, close_reason, completed_at, version, created_at, created_by, updated_at"
)


# A review's row is shown once its first audit is in (the same command writes both).
async def reviews_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        f"SELECT {REVIEW} FROM quarterly_reviews WHERE workspace = $1 AND id = ANY($2::uuid[])"
        " AND audit IS NOT NULL",
        workspace,
        ids,
    )


async def reviews_page(
    pool: ReadPool, workspace: str, cycle: str | None, after_seq: int, limit: int
) -> list[Row]:
    return await pool.fetch(
        f"SELECT {REVIEW} FROM quarterly_reviews WHERE workspace = $1 AND seq > $2"
        " AND audit IS NOT NULL AND ($3::text IS NULL OR cycle = $3) ORDER BY seq LIMIT $4",
        workspace,
        after_seq,
        cycle,
        limit,
    )


async def verdicts_of(pool: ReadPool, workspace: str, review_id: UUID) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM review_verdicts WHERE workspace = $1 AND review_id = $2",
        workspace,
        review_id,
    )


async def review_items(
    pool: ReadPool,
    workspace: str,
    review_id: UUID,
    role: str,
    after_seq: int = -1,
    limit: int | None = None,
) -> list[Row]:
    """The review's items of one role (ARCHIVED, SEED, REMAINING), in the reset's order."""
    return await pool.fetch(
        "SELECT * FROM review_items WHERE workspace = $1 AND review_id = $2 AND role = $3"
        " AND seq > $4 ORDER BY seq LIMIT $5",
        workspace,
        review_id,
        role,
        after_seq,
        limit,
    )


async def regrooming_counts(pool: ReadPool, workspace: str, review_id: UUID) -> Row:
    """(handled, to_go) of the items left to re-groom."""
    return await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE action IS NOT NULL) AS handled,"
        " count(*) FILTER (WHERE action IS NULL) AS to_go FROM review_items"
        " WHERE workspace = $1 AND review_id = $2 AND role = 'REMAINING'",
        workspace,
        review_id,
    )
