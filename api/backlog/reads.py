"""Read-model queries of backlog items and their OKR tags (asyncpg), scoped to a workspace."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record

# The columns `BacklogItem.from_row` reads, as `i.*` of a query that names backlog_items `i`.
ITEM_COLUMNS = (
    "i.id, i.seq, i.title, i.description, i.kind, i.status, i.reach, i.impact, i.confidence,"
    " i.effort, i.rice_score, i.business_value, i.time_criticality, i.risk_reduction,"
    " i.job_size, i.wsjf_score, i.justification, i.version, i.created_at, i.created_by,"
    " i.updated_at, i.external_key, i.labels, i.team"
)


# The row columns each BacklogItem field (by GraphQL name) reads; a field missing here reads
# them all. tests/api/rankings/test_ranking_selection.py selects each field alone and compares.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "title": ("title",),
    "description": ("description",),
    "kind": ("kind",),
    "status": ("status",),
    "rice": ("reach", "impact", "confidence", "effort", "rice_score"),
    "riceScore": ("rice_score",),
    "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size", "wsjf_score"),
    "wsjfScore": ("wsjf_score",),
    "nonStrategicJustification": ("justification",),
    "version": ("version",),
    "createdAt": ("created_at",),
    "createdBy": ("created_by",),
    "updatedAt": ("updated_at",),
    "externalKey": ("external_key",),
    "labels": ("labels",),
    "team": ("team",),
    "history": (),
    "estimatedEffort": ("effort", "job_size"),
    "tags": (),
    "eligible": ("justification",),
}


def item_columns(fields: Iterable[str] | None) -> str:
    """ITEM_COLUMNS narrowed to what the BacklogItem `fields` read, always with id and seq (an
    item's key and its place in keyset pages); all of them when the fields are unknown (None)
    or one has no FIELD_COLUMNS entry."""
    if fields is None:
        return ITEM_COLUMNS
    wanted = {"id", "seq"}
    for field in fields:
        columns = FIELD_COLUMNS.get(field)
        if columns is None:
            return ITEM_COLUMNS
        wanted.update(columns)
    return ", ".join(f"i.{c}" for c in _ITEM_COLUMN_NAMES if c in wanted)  # all: ITEM_COLUMNS


_ITEM_COLUMN_NAMES = [c.strip().removeprefix("i.") for c in ITEM_COLUMNS.split(",")]


async def items_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        f"SELECT {ITEM_COLUMNS} FROM backlog_items i WHERE workspace = $1 AND id = ANY($2::uuid[])",
        workspace,
        ids,
    )


async def tags_of(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT t.*, o.status AS objective_status FROM item_tags t"
        " JOIN objectives o ON o.id = t.objective_id"
        " WHERE t.workspace = $1 AND t.item_id = ANY($2::uuid[]) ORDER BY t.tagged_at",
        workspace,
        ids,
    )


async def items_page(
    pool: ReadPool,
    workspace: str,
    status: str | None,
    kind: str | None,
    objective_id: UUID | None,
    tagged: bool | None,
    after_seq: int,
    limit: int,
    team: str | None = None,
) -> list[Row]:
    return await pool.fetch(
        f"SELECT {ITEM_COLUMNS} FROM backlog_items i WHERE i.workspace = $1 AND i.seq > $2"
        " AND ($3::text IS NULL OR i.status = $3) AND ($4::text IS NULL OR i.kind = $4)"
        " AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM item_tags t"
        "      WHERE t.item_id = i.id AND t.objective_id = $5))"
        " AND ($6::bool IS NULL OR $6 = EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id))"
        " AND ($8::text IS NULL OR i.team = $8)"
        " ORDER BY i.seq LIMIT $7",
        workspace,
        after_seq,
        status,
        kind,
        objective_id,
        tagged,
        limit,
        team,
    )
