"""GraphQL types of sprints: the sprint, its planned items and their eligibility overrides."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import history_field
from okrank.api.backlog.types import BacklogItem, load_backlog_item
from okrank.api.graphql.node import Node, aggregate_fields, load_by_id
from okrank.api.graphql.pagination import list_types
from okrank.api.graphql.rows import from_row
from okrank.api.okrs.types import KeyResult, Objective, load_key_result, load_objective
from okrank.api.sprints import reads
from okrank.api.sprints.review import SprintReview, sprint_review
from okrank.domain.sprints.sprint import SprintStatus

SprintStatusEnum = strawberry.enum(
    SprintStatus,
    name="SprintStatus",
    description="Lifecycle of a sprint: PLANNED → ACTIVE → CLOSED.",
)


class SprintItemOutcome(StrEnum):
    DONE = "DONE"
    CARRIED_OVER = "CARRIED_OVER"


SprintItemOutcomeEnum = strawberry.enum(
    SprintItemOutcome,
    name="SprintItemOutcome",
    description="A planned item's final status when its sprint closed: DONE, or CARRIED_OVER "
    "(not done; it stays in the backlog).",
)


@strawberry.type(
    description="Why an item that breaks the eligibility rule (no tag to an active objective, "
    "no non-strategic justification) was planned anyway, and by whom (an ADMIN or "
    "PRODUCT_OWNER)."
)
class EligibilityOverride:
    reason: str = strawberry.field(description="The reason given with the override.")
    by: str = strawberry.field(description="Subject who overrode the rule.")
    at: datetime = strawberry.field(description="When.")


@strawberry.type(description="A backlog item planned into a sprint.")
class SprintItem:
    planned_at: datetime = strawberry.field(description="When it was planned into the sprint.")
    planned_by: str = strawberry.field(description="Subject who planned it.")
    override: EligibilityOverride | None = strawberry.field(
        description="The eligibility override it was planned with; null if it was eligible."
    )
    outcome: SprintItemOutcomeEnum | None = strawberry.field(
        description="DONE or CARRIED_OVER once the sprint closed; null before."
    )
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> SprintItem:
        override = None
        if r["override_reason"]:
            override = EligibilityOverride(
                reason=r["override_reason"], by=r["planned_by"], at=r["planned_at"]
            )
        outcome = SprintItemOutcome(r["outcome"]) if r["outcome"] else None
        return from_row(cls, r, override=override, outcome=outcome)

    @strawberry.field(description="The backlog item.")
    async def item(self, info: Info) -> BacklogItem | None:
        return await load_backlog_item(info, self.row["item_id"])


@strawberry.type(
    description="A team's time-box in a cycle. Its goal is a tactical step toward one key result "
    "(sprint planning states it as such); its review shows which output served which outcome."
)
@aggregate_fields(created_at="When the sprint was created.")
class Sprint(Node):
    team: str = strawberry.field(description="The team whose sprint it is.")
    cycle: str = strawberry.field(description="The OKR cycle it belongs to (2026-Q3).")
    start_date: date = strawberry.field(description="Its first day.")
    end_date: date = strawberry.field(
        description="Its last day (no other sprint of the team "
        "holds a day from startDate to endDate)."
    )
    goal: str = strawberry.field(description="The sprint goal, as a step toward the key result.")
    status: SprintStatusEnum = strawberry.field(description="Lifecycle state.")
    started_at: datetime | None = strawberry.field(description="When it started; null before.")
    closed_at: datetime | None = strawberry.field(description="When it closed; null before.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Sprint:
        return from_row(cls, r, status=SprintStatus(r["status"]))

    history = history_field(lambda sprint, info: sprint.row["id"])

    @strawberry.field(description="The key result the sprint goal steps toward.")
    async def goal_key_result(self, info: Info) -> KeyResult | None:
        return await load_key_result(
            info, self.row["goal_objective_id"], self.row["goal_key_result_id"]
        )

    @strawberry.field(description="The objective of the goal's key result.")
    async def goal_objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["goal_objective_id"])

    @strawberry.field(description="The items planned into it, in the order planned.")
    async def items(self, info: Info) -> list[SprintItem]:
        return [SprintItem.from_row(r) for r in await self._items(info)]

    @strawberry.field(
        description="Its items planned through an eligibility override, each with its reason."
    )
    async def overrides(self, info: Info) -> list[SprintItem]:
        return [SprintItem.from_row(r) for r in await self._items(info) if r["override_reason"]]

    @strawberry.field(
        description="The sprint review: which output (the items done) served which outcome (the "
        "key results they are tagged to, and those key results' check-ins during the sprint)."
    )
    async def review(self, info: Info) -> SprintReview:
        return await sprint_review(info, self.row, await self._items(info))

    async def _items(self, info: Info) -> list[Any]:
        ctx = info.context
        return await reads.sprint_items_of(ctx.pool, ctx.workspace, [self.row["id"]])


async def load_sprint(info: Info, sprint_id: UUID | None) -> Sprint | None:
    """A sprint of the caller's workspace, or None."""
    return await load_by_id(info, sprint_id, reads.sprints_by_id, Sprint.from_row)


SprintEdge, SprintConnection = list_types(
    Sprint, "sprint", page_about="A page of sprints, oldest first."
)
