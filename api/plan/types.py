"""GraphQL types of the capacity plan: an objective's share, what fits and what does not."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.backlog.types import BacklogItem
from okrank.api.okrs.types import Objective


@strawberry.input(description="One objective's share of the capacity.")
class PlanAllocationInput:
    objective_id: strawberry.ID = strawberry.field(description="An objective of the cycle.")
    share: float = strawberry.field(description="Its share of the capacity, in [0, 1].")
    exercise_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Walk this closed exercise's ranking instead of the `method` ranking "
        "(its results: FORBIDDEN for a STAKEHOLDER).",
    )


@strawberry.type(description="An item the plan accepts.")
class PlannedItem:
    effort: float = strawberry.field(description="Its RICE effort (capacity it uses).")
    rank: int = strawberry.field(description="Its rank in the objective's ranking walked.")
    row: strawberry.Private[Any]

    @strawberry.field(description="The item.")
    def backlog_item(self) -> BacklogItem:
        return BacklogItem.from_row(self.row)


@strawberry.type(description="What one objective's share of the capacity holds.")
class ObjectivePlan:
    share: float = strawberry.field(description="Its share.")
    capacity: float = strawberry.field(description="share × capacity.")
    used: float = strawberry.field(description="Effort of the accepted items.")
    left: float = strawberry.field(description="capacity − used.")
    accepted: list[PlannedItem] = strawberry.field(
        description="Accepted items in ranking order; an item tagged to several objectives is "
        "listed (and counted) only under the first objective that accepted it."
    )
    objective_row: strawberry.Private[Any]

    @strawberry.field(description="The objective.")
    def objective(self) -> Objective:
        return Objective.from_row(self.objective_row)


@strawberry.type(description="An item that did not fit in an objective's share.")
class PlanMiss:
    effort: float = strawberry.field(description="Its effort.")
    objective_row: strawberry.Private[Any]
    row: strawberry.Private[Any]

    @strawberry.field(description="The objective whose share it did not fit.")
    def objective(self) -> Objective:
        return Objective.from_row(self.objective_row)

    @strawberry.field(description="The item.")
    def backlog_item(self) -> BacklogItem:
        return BacklogItem.from_row(self.row)


@strawberry.type(description="A capacity plan for a cycle across objectives.")
class Plan:
    cycle: str = strawberry.field(description="The cycle planned.")
    capacity: float = strawberry.field(description="Total capacity (effort points).")
    used: float = strawberry.field(description="Effort accepted across objectives.")
    left: float = strawberry.field(description="capacity − used (unallocated shares included).")
    objectives: list[ObjectivePlan] = strawberry.field(
        description="Per objective, in the order served (largest share first)."
    )
    did_not_fit: list[PlanMiss] = strawberry.field(
        description="Items ranked by an objective that did not fit its share (and were not "
        "accepted by another objective)."
    )
    not_estimated: list[BacklogItem] = strawberry.field(
        description="Ranked items without an effort estimate: they cannot be planned."
    )
