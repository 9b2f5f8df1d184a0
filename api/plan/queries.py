"""The capacity plan's query: split a cycle's capacity between objectives by share."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem
from okrank.api.exercises.privacy import require_results
from okrank.api.exercises.queries import load_exercise
from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.ids import bad_input, need_uuid, not_found
from okrank.api.plan import reads
from okrank.api.plan.types import ObjectivePlan, Plan, PlanAllocationInput, PlanMiss, PlannedItem
from okrank.api.rankings.enums import RankingMethodEnum
from okrank.domain import errors
from okrank.domain.bounds import CAPACITY_MAX, spelt
from okrank.domain.plan.capacity import plan as make_plan
from okrank.domain.rankings.scoring import Method, exercise_method


@strawberry.type(description="Capacity planning reads.")
class PlanQueries:
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
            raise bad_input("method EXERCISE: give each allocation an exerciseId instead")
        objective_rows: dict[UUID, Any] = {}
        rankings: dict[UUID, list[Any]] = {}
        shares: dict[UUID, float] = {}
        for n, a in enumerate(allocations):
            oid = need_uuid(a.objective_id, "Objective", f"allocations.{n}.objectiveId")
            row = await ctx.loaders.objective.load(oid)
            if row is None:
                raise not_found("Objective", a.objective_id)
            if row["cycle"] != cycle:
                raise bad_input(f"allocations.{n}: the objective is in cycle {row['cycle']}")
            if oid in shares:
                raise bad_input(f"allocations.{n}: the objective is allocated twice")
            key: str = method
            if a.exercise_id is not None:
                eid = need_uuid(a.exercise_id, "Exercise", f"allocations.{n}.exerciseId")
                require_results(ctx.principal)  # the plan would walk the exercise's results
                ex = await load_exercise(info, eid)
                if ex is None or ex["objective_id"] != oid or ex["status"] != "CLOSED":
                    raise bad_input(f"allocations.{n}: not a closed exercise of this objective")
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
            raise bad_input(f"{'.'.join(exc.path)}: {exc.message}") from None
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
