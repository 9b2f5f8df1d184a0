"""Sprint mutations: create, plan and unplan items, start, close; the zombie thresholds."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from okrank.api.auth.permissions import OVERRIDE_ELIGIBILITY, allows, permission
from okrank.api.commands.committed import state_row, state_success
from okrank.api.commands.inputs import command_of, item_id, need_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.okrs import reads as okr_reads
from okrank.api.sprints import reads
from okrank.api.sprints.types import Sprint
from okrank.api.sprints.zombies import ZombieThresholdsType, thresholds_of
from okrank.domain.application import CommandResult
from okrank.domain.errors import NotFoundError, PermissionDeniedError
from okrank.domain.sprints import commands
from okrank.domain.sprints.sprint import GOAL_MAX
from okrank.domain.sprints.zombies import CYCLES_MAX, SPRINTS_MAX, ZombieThresholds
from okrank.domain.workspaces.commands import SetZombieThresholds

SprintSuccess, sprint_success = state_success(
    Sprint, "sprint", reads.sprints_by_id, "The sprint after the change."
)
SprintPayload = payload("SprintPayload", "The sprint, or why nothing changed.", SprintSuccess)


def sprint_id(input: Any) -> Any:
    return need_id(input.sprint_id, "Sprint", "sprintId")


@strawberry.input(description="A new sprint of a team, created PLANNED.")
class CreateSprintInput:
    team: str = strawberry.field(description="The team whose sprint it is.")
    cycle: str = strawberry.field(description="The OKR cycle (2026-Q3) it belongs to.")
    start_date: date = strawberry.field(description="Its first day.")
    end_date: date = strawberry.field(
        description="Its last day: not before startDate, and no day of it in another sprint of "
        "the team."
    )
    goal: str = strawberry.field(
        description=f"The sprint goal, a step toward the key result (1–{GOAL_MAX} characters)."
    )
    goal_key_result_id: strawberry.ID = strawberry.field(
        description="The key result the goal steps toward: of an open objective of the cycle."
    )

    async def command_from(self, ctx: Any) -> commands.CreateSprint:
        key_result_id = need_id(self.goal_key_result_id, "KeyResult", "goalKeyResultId")
        objective_id = await okr_reads.objective_of_key_result(
            ctx.pool, ctx.workspace, key_result_id
        )
        if objective_id is None:  # unknown, or another workspace's: the same answer
            raise NotFoundError("KeyResult", str(key_result_id))
        return command_of(
            self,
            commands.CreateSprint,
            goal_objective_id=objective_id,
            goal_key_result_id=key_result_id,
        )


@strawberry.input(description="A backlog item to plan into a PLANNED or ACTIVE sprint.")
@versioned
class PlanSprintItemInput:
    sprint_id: strawberry.ID = strawberry.field(description="The sprint.")
    backlog_item_id: strawberry.ID = strawberry.field(
        description="An open item: eligible (tagged to an active objective, or justified as "
        "necessary but non-strategic) unless `overrideReason` is given."
    )
    override_reason: str | None = strawberry.field(
        default=None,
        description="Plan an ineligible item anyway, for this reason (ADMIN or PRODUCT_OWNER "
        "only; recorded and shown on the sprint). Refused for an eligible item.",
    )

    async def command_from(self, ctx: Any) -> commands.PlanSprintItem:
        may_override = allows(ctx.principal, OVERRIDE_ELIGIBILITY)
        if self.override_reason is not None and not may_override:  # the role table's refusal
            needed = permission(OVERRIDE_ELIGIBILITY)
            raise PermissionDeniedError(
                needed.refusal, tuple(sorted(r.value for r in needed.roles))
            )
        return command_of(
            self,
            commands.PlanSprintItem,
            sprint_id=sprint_id(self),
            item_id=item_id(self),
            may_override=may_override,
        )


@strawberry.input(description="An item to take out of a sprint that is not CLOSED.")
@versioned
class UnplanSprintItemInput:
    sprint_id: strawberry.ID = strawberry.field(description="The sprint.")
    backlog_item_id: strawberry.ID = strawberry.field(description="The planned item.")
    reason: str | None = strawberry.field(default=None, description="Why, recorded.")

    def command(self) -> commands.UnplanSprintItem:
        return command_of(
            self, commands.UnplanSprintItem, sprint_id=sprint_id(self), item_id=item_id(self)
        )


@strawberry.input(description="Names a sprint for a lifecycle change.")
@versioned
class SprintLifecycleInput:
    sprint_id: strawberry.ID = strawberry.field(description="The sprint.")

    def lifecycle(self, command: type[commands.SprintCommand]) -> commands.SprintCommand:
        return command_of(self, command, sprint_id=sprint_id(self))


@strawberry.input(description="Names the PLANNED sprint to start.")
class StartSprintInput(SprintLifecycleInput):
    def command(self) -> commands.SprintCommand:
        return self.lifecycle(commands.StartSprint)


@strawberry.input(description="Names the ACTIVE sprint to close.")
class CloseSprintInput(SprintLifecycleInput):
    def command(self) -> commands.SprintCommand:
        return self.lifecycle(commands.CloseSprint)


@strawberry.type(description="The workspace's zombie thresholds after the change.")
class ZombieThresholdsSuccess:
    zombie_thresholds: ZombieThresholdsType = strawberry.field(description="Now in force.")


ZombieThresholdsPayload = payload(
    "ZombieThresholdsPayload", "The thresholds, or why nothing changed.", ZombieThresholdsSuccess
)


async def thresholds_success(ctx: Any, result: CommandResult) -> ZombieThresholdsSuccess:
    row = await reads.zombie_thresholds(ctx.pool, ctx.workspace)
    return ZombieThresholdsSuccess(zombie_thresholds=thresholds_of(state_row([row], result)))


@strawberry.input(description="When an untagged open item counts as a zombie feature.")
@versioned
class SetZombieThresholdsInput:
    sprints: int = strawberry.field(
        description=f"After this many of its team's sprints (1–{SPRINTS_MAX}; default 3)."
    )
    cycles: int = strawberry.field(
        description=f"Or after this many cycles, calendar quarters (1–{CYCLES_MAX}; default 1)."
    )
    reason: str = strawberry.field(description="Why: recorded with the change.")

    def command(self) -> SetZombieThresholds:
        thresholds = ZombieThresholds(self.sprints, self.cycles)
        return command_of(self, SetZombieThresholds, thresholds=thresholds)


@strawberry.type(description="Sprint commands.")
class SprintMutations:
    create_sprint = command_mutation(
        CreateSprintInput,
        SprintPayload,
        sprint_success,
        "Create a PLANNED sprint of a team, its goal a step toward one key result.",
    )
    plan_sprint_item = command_mutation(
        PlanSprintItemInput,
        SprintPayload,
        sprint_success,
        "Plan a backlog item into a sprint (the eligibility rule applies unless overridden).",
    )
    unplan_sprint_item = command_mutation(
        UnplanSprintItemInput,
        SprintPayload,
        sprint_success,
        "Take an item out of a sprint that is not CLOSED.",
    )
    start_sprint = command_mutation(
        StartSprintInput, SprintPayload, sprint_success, "Start a PLANNED sprint."
    )
    close_sprint = command_mutation(
        CloseSprintInput,
        SprintPayload,
        sprint_success,
        "Close an ACTIVE sprint: each planned item DONE now is recorded done, every other one "
        "carried over.",
    )
    set_zombie_thresholds = command_mutation(
        SetZombieThresholdsInput,
        ZombieThresholdsPayload,
        thresholds_success,
        "Set after how many sprints or cycles an untagged open item is a zombie (ADMIN only).",
    )
