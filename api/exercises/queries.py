"""Exercise and capacity-plan queries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from okrank.api.exercises import reads
from okrank.api.exercises.privacy import require_results, sees_every_exercise
from okrank.api.exercises.types import (
    Exercise,
    ExerciseConnection,
    ExerciseEdge,
    ExerciseStatusEnum,
)
from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.ids import need_uuid
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.graphql.types import BacklogItem, RankingMethodEnum
from okrank.api.plan.types import ObjectivePlan, Plan, PlanAllocationInput, PlanMiss, PlannedItem
from okrank.domain import errors
from okrank.domain.bounds import CAPACITY_MAX, spelt
from okrank.domain.plan.capacity import plan as make_plan
from okrank.domain.rankings.scoring import Method, exercise_method


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


@strawberry.type(description="Exercise and planning reads.")
class ExerciseQueries:
    @strawberry.field(description="One exercise, or null if not visible to the caller.")
    async def exercise(self, info: Info, id: strawberry.ID) -> Exercise | None:
        row = await load_exercise(info, need_uuid(id, "Exercise", "id"))
        return Exercise.from_row(row) if row else None

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

    @strawberry.field(
        description="Split `capacity` (effort points, in (0, "
        f"{spelt(CAPACITY_MAX)}]) between objectives of `cycle` by share: "
        "each objective, largest share first, accepts items from the top of its ranking while "
        "they fit. An item tagged to several objectives is counted once. Shares add up to at "
        "most 1. Effort is each item's RICE effort; items without one are listed as not "
        "estimated; NOT_NOW items are left out."
    )
    async def plan(
        self,
        info: Info,
        cycle: str,
        capacity: float,
        allocations: list[PlanAllocationInput],
        method: RankingMethodEnum = Method.RICE,
    ) -> Plan:
        ctx = info.context
        text_argument("cycle", cycle)
        if method == Method.EXERCISE:
            raise _bad("method EXERCISE: give each allocation an exerciseId instead")
        objective_rows: dict[UUID, Any] = {}
        rankings: dict[UUID, list[Any]] = {}
        shares: dict[UUID, float] = {}
        for n, a in enumerate(allocations):
            oid = need_uuid(a.objective_id, "Objective", f"allocations.{n}.objectiveId")
            row = await ctx.loaders.objective.load(oid)
            if row is None:
                raise GraphQLError(
                    f"Objective {a.objective_id} not found", extensions={"code": "NOT_FOUND"}
                )
            if row["cycle"] != cycle:
                raise _bad(f"allocations.{n}: the objective is in cycle {row['cycle']}")
            if oid in shares:
                raise _bad(f"allocations.{n}: the objective is allocated twice")
            key = method.value
            if a.exercise_id is not None:
                eid = need_uuid(a.exercise_id, "Exercise", f"allocations.{n}.exerciseId")
                require_results(ctx.principal)  # the plan would walk the exercise's results
                ex = await load_exercise(info, eid)
                if ex is None or ex["objective_id"] != oid or ex["status"] != "CLOSED":
                    raise _bad(f"allocations.{n}: not a closed exercise of this objective")
                key = exercise_method(eid)
            objective_rows[oid] = row
            shares[oid] = a.share
            rankings[oid] = await reads.plan_ranking(ctx.pool, ctx.workspace, oid, key)
        items = {r["id"]: r for rs in rankings.values() for r in rs}
        try:
            result = make_plan(
                capacity,
                shares,
                {o: [(r["id"], r["effort"]) for r in rs] for o, rs in rankings.items()},
            )
        except errors.ValidationError as exc:
            raise _bad(f"{'.'.join(exc.path)}: {exc.message}") from None
        rank = {(o, r["id"]): n + 1 for o, rs in rankings.items() for n, r in enumerate(rs)}
        parts = [
            ObjectivePlan(
                share=shares[p.objective],
                capacity=p.capacity,
                used=p.used,
                left=p.left,
                accepted=[
                    PlannedItem(
                        effort=items[i]["effort"], rank=rank[(p.objective, i)], row=items[i]
                    )
                    for i in p.accepted
                ],
                objective_row=objective_rows[p.objective],
            )
            for p in result.objectives
        ]
        used = sum(p.used for p in result.objectives)
        return Plan(
            cycle=cycle,
            capacity=capacity,
            used=used,
            left=capacity - used,
            objectives=parts,
            did_not_fit=[
                PlanMiss(effort=items[i]["effort"], objective_row=objective_rows[o], row=items[i])
                for o, i in result.did_not_fit
            ],
            not_estimated=[BacklogItem.from_row(items[i]) for i in result.not_estimated],
        )


def _bad(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})
