"""Objective mutations: create, add a key result, activate, close."""

from __future__ import annotations

from typing import Annotated, Any

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
from okrank.api.graphql.types import Objective, ObjectiveLevelEnum
from okrank.domain.application import CommandResult
from okrank.domain.bounds import KEY_RESULT_MAX, spelt
from okrank.domain.okrs import commands


@strawberry.type(description="The objective after the change.")
class ObjectiveSuccess:
    objective: Objective = strawberry.field(description="Its state, as queries now see it.")


ObjectivePayload = Annotated[
    ObjectiveSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("ObjectivePayload", description="The objective, or why nothing changed."),
]


async def objective_success(ctx: Any, result: CommandResult) -> ObjectiveSuccess:
    rows = await reads.objectives_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    return ObjectiveSuccess(objective=Objective.from_row(state_row(rows, result)))


@strawberry.input(description="A new objective, created as DRAFT.")
class CreateObjectiveInput:
    cycle: str = strawberry.field(description="A quarter (2026-Q3) or a year (2026).")
    title: str = strawberry.field(description="The objective's statement (1–200 characters).")
    description: str | None = strawberry.field(default=None, description="Context and intent.")
    level: ObjectiveLevelEnum = strawberry.field(
        default=ObjectiveLevelEnum.TEAM, description="COMPANY or TEAM."
    )
    team: str | None = strawberry.field(default=None, description="Owning team.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="An objective this one aligns to."
    )

    def command(self) -> commands.CreateObjective:
        return commands.CreateObjective(
            self.cycle,
            self.title,
            self.description,
            self.level.value,
            self.team,
            maybe_id(self.parent_id, "Objective", "parentId"),
        )


def _objective(input: Any) -> Any:
    return need_id(input.objective_id, "Objective", "objectiveId")


@strawberry.input(description="A key result to add to an open objective.")
@versioned
class AddKeyResultInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    metric: str = strawberry.field(description="What is measured.")
    baseline: float = strawberry.field(
        description=f"Value at the start (at most {spelt(KEY_RESULT_MAX)} either side of 0)."
    )
    target: float = strawberry.field(
        description="Value that counts as achieved (≠ baseline; at most "
        f"{spelt(KEY_RESULT_MAX)} either side of 0)."
    )
    unit: str | None = strawberry.field(default=None, description="Unit of the metric.")
    output_style: bool = strawberry.field(
        default=False, description="Flag an output-style key result ('launch 3 features')."
    )

    def command(self) -> commands.AddKeyResult:
        return commands.AddKeyResult(
            _objective(self),
            self.metric,
            self.baseline,
            self.target,
            self.unit,
            self.output_style,
            expected_version=self.expected_version,
        )


@strawberry.input(description="Names an objective for a lifecycle change.")
@versioned
class ObjectiveLifecycleInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")

    def lifecycle(self, command: type[commands.ObjectiveCommand]) -> commands.ObjectiveCommand:
        return command(_objective(self), expected_version=self.expected_version)


@strawberry.input(description="Names the DRAFT objective to activate.")
class ActivateObjectiveInput(ObjectiveLifecycleInput):
    def command(self) -> commands.ObjectiveCommand:
        return self.lifecycle(commands.ActivateObjective)


@strawberry.input(description="Names the DRAFT or ACTIVE objective to close.")
class CloseObjectiveInput(ObjectiveLifecycleInput):
    def command(self) -> commands.ObjectiveCommand:
        return self.lifecycle(commands.CloseObjective)


@strawberry.type(description="Objective commands.")
class ObjectiveMutations:
    @strawberry.mutation(description="Create a DRAFT objective in a cycle.")
    async def create_objective(self, info: Info, input: CreateObjectiveInput) -> ObjectivePayload:
        return await run(info, input.command, objective_success)

    @strawberry.mutation(description="Add a key result to a DRAFT or ACTIVE objective.")
    async def add_key_result(self, info: Info, input: AddKeyResultInput) -> ObjectivePayload:
        return await run(info, input.command, objective_success)

    @strawberry.mutation(description="Activate a DRAFT objective (it needs a key result).")
    async def activate_objective(
        self, info: Info, input: ActivateObjectiveInput
    ) -> ObjectivePayload:
        return await run(info, input.command, objective_success)

    @strawberry.mutation(description="Close an objective at the end of its cycle.")
    async def close_objective(self, info: Info, input: CloseObjectiveInput) -> ObjectivePayload:
        return await run(info, input.command, objective_success)
