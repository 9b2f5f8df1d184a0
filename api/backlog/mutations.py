"""Backlog item mutations: create, edit, score, tag, justify, triage, move."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.commands.committed import state_row
from okrank.api.commands.inputs import maybe_id, need_id, versioned
from okrank.api.commands.path import run
from okrank.api.graphql import reads
from okrank.api.graphql.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.api.graphql.types import (
    BacklogItem,
    ItemKindEnum,
    ItemStatusEnum,
    TagTier,
    TriageDecisionEnum,
)
from okrank.domain.application import CommandResult
from okrank.domain.backlog import commands
from okrank.domain.bounds import EFFORT_MAX, EFFORT_MIN, REACH_MAX, spelt
from okrank.domain.rankings.scoring import RiceInputs, Tier, WsjfInputs

REACH = f"People or events per period, in [0, {spelt(REACH_MAX)}]."
EFFORT = f"In [{spelt(EFFORT_MIN)}, {spelt(EFFORT_MAX)}]."


@strawberry.type(description="The backlog item after the change.")
class BacklogItemSuccess:
    backlog_item: BacklogItem = strawberry.field(description="Its state, as queries now see it.")


BacklogItemPayload = Annotated[
    BacklogItemSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("BacklogItemPayload", description="The item, or why nothing changed."),
]


async def item_success(ctx: Any, result: CommandResult) -> BacklogItemSuccess:
    rows = await reads.items_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    return BacklogItemSuccess(backlog_item=BacklogItem.from_row(state_row(rows, result)))


def _item(input: Any) -> UUID:
    return need_id(input.backlog_item_id, "BacklogItem", "backlogItemId")


def _objective(input: Any) -> UUID:
    return need_id(input.objective_id, "Objective", "objectiveId")


@strawberry.input(description="A new backlog item, created as CANDIDATE.")
class CreateBacklogItemInput:
    title: str = strawberry.field(description="Short name (1–200 characters).")
    description: str | None = strawberry.field(default=None, description="Details.")
    kind: ItemKindEnum = strawberry.field(default=ItemKindEnum.FEATURE, description="Kind.")

    def command(self) -> commands.CreateBacklogItem:
        return commands.CreateBacklogItem(self.title, self.description, self.kind.value)


@strawberry.input(description="Fields to change on an item; omitted fields stay as they are.")
@versioned
class UpdateBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    title: str | None = strawberry.field(default=None, description="New title.")
    description: str | None = strawberry.field(default=None, description="New description.")
    kind: ItemKindEnum | None = strawberry.field(default=None, description="New kind.")

    def command(self) -> commands.UpdateBacklogItem:
        return commands.UpdateBacklogItem(
            _item(self),
            self.title,
            self.description,
            self.kind.value if self.kind else None,
            expected_version=self.expected_version,
        )


@strawberry.input(description="RICE inputs.")
class RiceInput:
    reach: float = strawberry.field(description=REACH)
    impact: float = strawberry.field(description="One of 3, 2, 1, 0.5, 0.25.")
    confidence: float = strawberry.field(description="In (0, 1].")
    effort: float = strawberry.field(description=EFFORT)


@strawberry.input(description="WSJF inputs, each one of 1, 2, 3, 5, 8, 13, 20.")
class WsjfInput:
    business_value: int = strawberry.field(description="User/business value.")
    time_criticality: int = strawberry.field(description="Time criticality.")
    risk_reduction: int = strawberry.field(description="Risk reduction/opportunity enablement.")
    job_size: int = strawberry.field(description="Job size.")


@strawberry.input(description="Score inputs to set; give RICE, WSJF or both.")
@versioned
class ScoreBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    rice: RiceInput | None = strawberry.field(default=None, description="RICE inputs.")
    wsjf: WsjfInput | None = strawberry.field(default=None, description="WSJF inputs.")

    def command(self) -> commands.ScoreBacklogItem:
        r, w = self.rice, self.wsjf
        return commands.ScoreBacklogItem(
            _item(self),
            None if r is None else RiceInputs(r.reach, r.impact, r.confidence, r.effort),
            None
            if w is None
            else WsjfInputs(w.business_value, w.time_criticality, w.risk_reduction, w.job_size),
            expected_version=self.expected_version,
        )


@strawberry.input(description="Tag an item to an open objective.")
@versioned
class TagBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    objective_id: strawberry.ID = strawberry.field(description="A DRAFT or ACTIVE objective.")
    tier: TagTier = strawberry.field(description="DIRECT or INDIRECT.")
    reason: str = strawberry.field(description="Why: recorded in the tag history.")
    key_result_id: strawberry.ID | None = strawberry.field(
        default=None, description="The key result the item moves (of that objective)."
    )

    def command(self) -> commands.TagBacklogItem:
        return self.tag(commands.TagBacklogItem)

    def tag(self, command: type[commands.TagBacklogItem]) -> commands.TagBacklogItem:
        return command(
            _item(self),
            _objective(self),
            Tier(self.tier.value),
            self.reason,
            maybe_id(self.key_result_id, "KeyResult", "keyResultId"),
            expected_version=self.expected_version,
        )


@strawberry.input(description="Change the tier or key result of an existing tag.")
class RetagBacklogItemInput(TagBacklogItemInput):
    def command(self) -> commands.TagBacklogItem:
        return self.tag(commands.RetagBacklogItem)


@strawberry.input(description="Remove an item's tag to an objective.")
@versioned
class UntagBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    objective_id: strawberry.ID = strawberry.field(description="The objective to untag.")
    reason: str = strawberry.field(description="Why: recorded in the tag history.")

    def command(self) -> commands.UntagBacklogItem:
        return commands.UntagBacklogItem(
            _item(self), _objective(self), self.reason, expected_version=self.expected_version
        )


@strawberry.input(description="Justify an untagged item as necessary but non-strategic.")
@versioned
class JustifyNonStrategicInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    justification: str = strawberry.field(description="Why it is needed; '' withdraws it.")

    def command(self) -> commands.JustifyNonStrategic:
        return commands.JustifyNonStrategic(
            _item(self), self.justification, expected_version=self.expected_version
        )


@strawberry.input(description="The OKR filter's answer for an item.")
@versioned
class TriageBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    decision: TriageDecisionEnum = strawberry.field(description="YES, NO or MAYBE.")
    reason: str | None = strawberry.field(default=None, description="Why.")

    def command(self) -> commands.TriageBacklogItem:
        return commands.TriageBacklogItem(
            _item(self), self.decision, self.reason or "", expected_version=self.expected_version
        )


@strawberry.input(description="Move an item to another status.")
@versioned
class ChangeBacklogItemStatusInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    status: ItemStatusEnum = strawberry.field(
        description="New status; PLANNED requires an eligible item."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")

    def command(self) -> commands.ChangeBacklogItemStatus:
        return commands.ChangeBacklogItemStatus(
            _item(self), self.status, self.reason or "", expected_version=self.expected_version
        )


@strawberry.type(description="Backlog item commands.")
class BacklogItemMutations:
    @strawberry.mutation(description="Create a backlog item (status CANDIDATE).")
    async def create_backlog_item(
        self, info: Info, input: CreateBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Change an item's title, description or kind.")
    async def update_backlog_item(
        self, info: Info, input: UpdateBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Set an item's RICE and/or WSJF inputs.")
    async def score_backlog_item(
        self, info: Info, input: ScoreBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Tag an item to an objective (and optionally a key result).")
    async def tag_backlog_item(self, info: Info, input: TagBacklogItemInput) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Change the tier or key result of an existing tag.")
    async def retag_backlog_item(
        self, info: Info, input: RetagBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Remove an item's tag to an objective.")
    async def untag_backlog_item(
        self, info: Info, input: UntagBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Record (or withdraw) a non-strategic justification.")
    async def justify_non_strategic(
        self, info: Info, input: JustifyNonStrategicInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(
        description="Apply the OKR filter: YES → BACKLOG, NO → NOT_NOW, MAYBE → DISCOVERY."
    )
    async def triage_backlog_item(
        self, info: Info, input: TriageBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)

    @strawberry.mutation(description="Move an item to a status; DONE and ARCHIVED leave rankings.")
    async def change_backlog_item_status(
        self, info: Info, input: ChangeBacklogItemStatusInput
    ) -> BacklogItemPayload:
        return await run(info, input.command, item_success)
