"""Read-model queries for exercises (asyncpg), scoped to a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool
from okrank.api.database.reads import workspace_rows

Row = asyncpg.Record


async def exercises_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM exercises WHERE workspace = $1 AND id = ANY($2::uuid[])", workspace, ids
    )


async def exercises_page(
    pool: ReadPool,
    workspace: str,
    objective_id: UUID | None,
    status: str | None,
    participant: str | None,
    after_seq: int,
    limit: int,
) -> list[Row]:
    """Oldest first; with `participant`, only exercises that subject is invited to."""
    return await pool.fetch(
        "SELECT e.* FROM exercises e WHERE e.workspace = $1 AND e.seq > $2"
        " AND ($3::uuid IS NULL OR e.objective_id = $3) AND ($4::text IS NULL OR e.status = $4)"
        " AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM exercise_participants p"
        "   WHERE p.exercise_id = e.id AND p.subject = $5))"
        " ORDER BY e.seq LIMIT $6",
        workspace,
        after_seq,
        objective_id,
        status,
        participant,
        limit,
    )


# Each `(pool, workspace, exercise_id)`: the exercise's rows of one read model.
candidates = workspace_rows(
    UUID,
    "SELECT item_id, price FROM exercise_candidates WHERE workspace = $1 AND exercise_id = $2"
    " ORDER BY seq",
)
participants = workspace_rows(
    UUID,
    "SELECT subject, segment, jsonb_array_length(design) AS tasks, budget,"
    " ballot IS NOT NULL AS submitted, submitted_at, revisions"
    " FROM exercise_participants WHERE workspace = $1 AND exercise_id = $2 ORDER BY seq",
)
history = workspace_rows(
    UUID,
    "SELECT * FROM exercise_history WHERE workspace = $1 AND exercise_id = $2 ORDER BY position",
)
closed_siblings = workspace_rows(  # the other closed exercises of the same objective
    UUID,
    "SELECT o.* FROM exercises e JOIN exercises o ON o.objective_id = e.objective_id"
    " WHERE e.workspace = $1 AND e.id = $2 AND o.id <> e.id AND o.status = 'CLOSED'"
    " ORDER BY o.seq",
)
ballots_and_designs = workspace_rows(  # in invitation order (for the answers export)
    UUID,
    "SELECT subject, segment, ballot, design FROM exercise_participants"
    " WHERE workspace = $1 AND exercise_id = $2 AND ballot IS NOT NULL ORDER BY seq",
)
respondents_all = workspace_rows(
    UUID,
    "SELECT respondent, segment, utilities FROM exercise_respondents WHERE workspace = $1"
    " AND exercise_id = $2 ORDER BY respondent",
)
_designs = workspace_rows(
    UUID,
    "SELECT design FROM exercise_participants WHERE workspace = $1 AND exercise_id = $2"
    " ORDER BY seq",
)
_utilities = workspace_rows(
    UUID,
    "SELECT utilities FROM exercise_respondents WHERE workspace = $1 AND exercise_id = $2"
    " ORDER BY respondent",
)


async def participant(
    pool: ReadPool, workspace: str, exercise_id: UUID, subject: str
) -> Row | None:
    return await pool.fetchrow(
        "SELECT * FROM exercise_participants WHERE workspace = $1 AND exercise_id = $2"
        " AND subject = $3",
        workspace,
        exercise_id,
        subject,
    )


async def is_participant(pool: ReadPool, workspace: str, exercise_id: UUID, subject: str) -> bool:
    return bool(
        await pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM exercise_participants WHERE workspace = $1"
            " AND exercise_id = $2 AND subject = $3)",
            workspace,
            exercise_id,
            subject,
        )
    )


async def results(pool: ReadPool, workspace: str, exercise_id: UUID, segment: str) -> list[Row]:
    return await pool.fetch(
        "SELECT item_id, rank, score, detail FROM exercise_results WHERE workspace = $1"
        " AND exercise_id = $2 AND segment = $3 ORDER BY rank",
        workspace,
        exercise_id,
        segment,
    )


async def groups(pool: ReadPool, exercise_id: UUID) -> list[Row]:
    return await pool.fetch(
        "SELECT segment, respondents, summary FROM exercise_groups WHERE exercise_id = $1"
        " ORDER BY segment",
        exercise_id,
    )


async def overall_scores(pool: ReadPool, exercise_ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT exercise_id, item_id, score FROM exercise_results"
        " WHERE exercise_id = ANY($1::uuid[]) AND segment = '' AND score IS NOT NULL",
        exercise_ids,
    )


async def respondents_page(
    pool: ReadPool, workspace: str, exercise_id: UUID, after: str | None, limit: int
) -> list[Row]:
    return await pool.fetch(
        "SELECT respondent, segment, utilities, quality FROM exercise_respondents"
        " WHERE workspace = $1"
        " AND exercise_id = $2 AND ($3::text IS NULL OR respondent > $3)"
        " ORDER BY respondent LIMIT $4",
        workspace,
        exercise_id,
        after,
        limit,
    )


async def designs(pool: ReadPool, workspace: str, exercise_id: UUID) -> list[list[list[str]]]:
    """Every participant's MaxDiff sets (item ID strings), in invitation order."""
    return [r["design"] for r in await _designs(pool, workspace, exercise_id) if r["design"]]


async def pooled_allocations(
    pool: ReadPool, workspace: str, exercise_id: UUID
) -> list[tuple[str, float]]:
    """Buy a Feature: money put on each item by all participants so far (item ID, total)."""
    rows = await pool.fetch(
        "SELECT a.key AS item, sum(a.value::float8) AS total FROM exercise_participants p,"
        " jsonb_each_text(p.ballot -> 'allocations') a"
        " WHERE p.workspace = $1 AND p.exercise_id = $2 AND p.ballot IS NOT NULL"
        " GROUP BY a.key ORDER BY a.key",
        workspace,
        exercise_id,
    )
    return [(r["item"], r["total"]) for r in rows]


async def respondent_utilities(
    pool: ReadPool, workspace: str, exercise_id: UUID
) -> list[dict[str, float]]:
    """Every respondent's utilities (item ID → utility), for TURF."""
    return [r["utilities"] for r in await _utilities(pool, workspace, exercise_id)]
