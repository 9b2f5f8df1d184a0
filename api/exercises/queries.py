"""Exercise queries: one exercise, pages of exercises, and who may see which."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.exercises import reads
from okrank.api.exercises.privacy import sees_every_exercise
from okrank.api.exercises.types import (
    Exercise,
    ExerciseConnection,
    ExerciseEdge,
    ExerciseStatusEnum,
)
from okrank.api.graphql.ids import need_uuid
from okrank.api.graphql.pagination import after_key, connection, page_size


def sees_all(info: Info) -> bool:
    """Every role but STAKEHOLDER sees every exercise; stakeholders only those they are in."""
    return sees_every_exercise(info.context.principal)


async def load_exercise(info: Info, ident: UUID) -> Any | None:
    ctx = info.context
    rows = await reads.exercises_by_id(ctx.pool, ctx.workspace, [ident])
    if not rows or sees_all(info):
        return rows[0] if rows else None
    invited = await reads.is_participant(ctx.pool, ctx.workspace, ident, ctx.principal.subject)
    return rows[0] if invited else None


async def exercise_node(info: Info, ident: UUID) -> Exercise | None:
    """The exercise, if the caller may see it."""
    row = await load_exercise(info, ident)
    return Exercise.from_row(row) if row else None


@strawberry.type(description="Exercise reads.")
class ExerciseQueries:
    @strawberry.field(description="One exercise, or null if not visible to the caller.")
    async def exercise(self, info: Info, id: strawberry.ID) -> Exercise | None:
        return await exercise_node(info, need_uuid(id, "Exercise", "id"))

    @strawberry.field(
        description="Exercises, oldest first; a STAKEHOLDER sees only those it is invited to."
    )
    async def exercises(
        self,
        info: Info,
        objective_id: strawberry.ID | None = None,
        status: ExerciseStatusEnum | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ExerciseConnection:
        ctx = info.context
        limit = page_size(first)
        objective = need_uuid(objective_id, "Objective", "objectiveId") if objective_id else None
        only = None if sees_all(info) else ctx.principal.subject
        after_seq = after_key(after) or 0
        rows = await reads.exercises_page(
            ctx.pool,
            ctx.workspace,
            objective,
            status.value if status else None,
            only,
            after_seq,
            limit + 1,
        )
        return connection(
            ExerciseConnection, ExerciseEdge, Exercise.from_row, "seq", rows, limit, after
        )
