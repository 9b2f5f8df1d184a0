"""Read-model queries of mission briefings and their versions (asyncpg)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record

CURRENT = (
    "SELECT b.id, b.subject_id, b.subject_kind, v.* FROM mission_briefings b"
    " JOIN mission_briefing_versions v ON v.briefing_id = b.id AND v.version = b.version"
    " WHERE b.workspace = $1"
)


async def briefing_of_subject(pool: ReadPool, workspace: str, subject_id: UUID) -> Row | None:
    return await pool.fetchrow(CURRENT + " AND b.subject_id = $2", workspace, subject_id)


async def briefings_by_id(pool: ReadPool, workspace: str, briefing_id: UUID) -> list[Row]:
    return await pool.fetch(CURRENT + " AND b.id = $2", workspace, briefing_id)


async def versions_page(
    pool: ReadPool, briefing_id: UUID, before: int | None, limit: int
) -> list[Row]:
    """Newest first: versions below `before` (None: from the current one)."""
    return await pool.fetch(
        "SELECT * FROM mission_briefing_versions WHERE briefing_id = $1"
        " AND ($2::int IS NULL OR version < $2) ORDER BY version DESC LIMIT $3",
        briefing_id,
        before,
        limit,
    )
