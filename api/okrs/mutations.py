"""OKR mutations: create, add a key result, activate, close, check in a key result; the
workspace's check-in interval."""

from __future__ import annotations

import strawberry

from okrank.api.commands.committed import state_success
from okrank.api.commands.inputs import command_of, maybe_id, objective_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.okrs import reads
from okrank.api.okrs.check_in_mutation import (
    CheckInKeyResultInput,
    CheckInPayload,
    check_in_success,
)
from okrank.api.okrs.settings import OkrSettingsPayload, SetCheckInIntervalInput, settings_success
from okrank.api.okrs.types import Objective, ObjectiveLevelEnum
from okrank.domain.bounds import KEY_RESULT_MAX, spelt
from okrank.domain.okrs import commands

ObjectiveSuccess, objective_success = state_success(
    Objective, "objective", reads.objectives_by_id, "The objective after the change."
)
ObjectivePayload = payload(
    "ObjectivePayload", "The objective, or why nothing changed.", ObjectiveSuccess
)


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
        parent_id = maybe_id(self.parent_id, "Objective", "parentId")
        return command_of(
            self, commands.CreateObjective, level=self.level.value, parent_id=parent_id
        )


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
        return command_of(self, commands.AddKeyResult, objective_id=objective_id(self))


@strawberry.input(description="Names an objective for a lifecycle change.")
@versioned
class ObjectiveLifecycleInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")

    def lifecycle(self, command: type[commands.ObjectiveCommand]) -> commands.ObjectiveCommand:
        return command_of(self, command, objective_id=objective_id(self))


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
    create_objective = command_mutation(
        CreateObjectiveInput,
        ObjectivePayload,
        objective_success,
        "Create a DRAFT objective in a cycle.",
    )
    add_key_result = command_mutation(
        AddKeyResultInput,
        ObjectivePayload,
        objective_success,
        "Add a key result to a DRAFT or ACTIVE objective.",
    )
    activate_objective = command_mutation(
        ActivateObjectiveInput,
        ObjectivePayload,
        objective_success,
        "Activate a DRAFT objective (it needs a key result).",
    )
    close_objective = command_mutation(
        CloseObjectiveInput,
        ObjectivePayload,
        objective_success,
        "Close an objective at the end of its cycle.",
    )
    check_in_key_result = command_mutation(
        CheckInKeyResultInput,
        CheckInPayload,
        check_in_success,
        "Check in a key result of an ACTIVE objective: its value now and the team's confidence "
        "(at the sprint review, fortnightly).",
    )
    set_check_in_interval = command_mutation(
        SetCheckInIntervalInput,
        OkrSettingsPayload,
        settings_success,
        "Set the days after which a key result of an ACTIVE objective without a check-in is "
        "reported stale (ADMIN).",
    )
