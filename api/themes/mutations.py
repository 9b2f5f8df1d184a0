"""Theme mutations: create, move, rename a theme; place an objective or an item in one; mark
a discovery objective with the theme it prepares."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.backlog import reads as backlog_reads
from okrank.api.backlog.types import BacklogItem
from okrank.api.commands.committed import read_state, state_success
from okrank.api.commands.inputs import (
    command_of,
    item_id,
    maybe_id,
    need_id,
    objective_id,
    versioned,
)
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.okrs import reads as okr_reads
from okrank.api.okrs.types import Objective
from okrank.api.themes import reads
from okrank.api.themes.types import HorizonEnum, Theme, ThemeMembership, membership_of
from okrank.domain.application import CommandResult
from okrank.domain.themes import commands

ThemeSuccess, theme_success = state_success(
    Theme, "theme", reads.themes_by_id, "The theme after the change."
)


@strawberry.type(description="The objective after the change, and where it stands now.")
class ObjectiveThemeSuccess:
    objective: Objective = strawberry.field(description="Its state, as queries now see it.")
    membership: ThemeMembership = strawberry.field(description="Its theme(s) now.")


@strawberry.type(description="The backlog item after the change, and its theme now.")
class BacklogItemThemeSuccess:
    backlog_item: BacklogItem = strawberry.field(description="Its state, as queries now see it.")
    membership: ThemeMembership = strawberry.field(description="Its theme now.")


ThemePayload = payload("ThemePayload", "The theme, or why nothing changed.", ThemeSuccess)
ObjectiveThemePayload = payload(
    "ObjectiveThemePayload",
    "The objective and its theme, or why nothing changed.",
    ObjectiveThemeSuccess,
)
BacklogItemThemePayload = payload(
    "BacklogItemThemePayload",
    "The item and its theme, or why nothing changed.",
    BacklogItemThemeSuccess,
)


async def objective_theme_success(ctx: Any, result: CommandResult) -> ObjectiveThemeSuccess:
    objective = await read_state(ctx, result, okr_reads.objectives_by_id, Objective.from_row)
    membership = await membership_of(ctx, result.aggregate_id)
    return ObjectiveThemeSuccess(objective=objective, membership=membership)


async def item_theme_success(ctx: Any, result: CommandResult) -> BacklogItemThemeSuccess:
    item = await read_state(ctx, result, backlog_reads.items_by_id, BacklogItem.from_row)
    membership = await membership_of(ctx, result.aggregate_id)
    return BacklogItemThemeSuccess(backlog_item=item, membership=membership)


def theme_id(input: Any) -> Any:
    return need_id(input.theme_id, "Theme", "themeId")


@strawberry.input(description="A new theme on the roadmap.")
class CreateThemeInput:
    name: str = strawberry.field(description="The theme's name (1–200 characters).")
    horizon: HorizonEnum = strawberry.field(description="NOW, NEXT or LATER.")
    description: str | None = strawberry.field(default=None, description="What it is about.")
    team: str | None = strawberry.field(
        default=None, description="The team whose theme it is; none: shared by every team."
    )

    def command(self) -> commands.CreateTheme:
        return command_of(self, commands.CreateTheme)


@strawberry.input(description="Move a theme to another horizon.")
@versioned
class MoveThemeInput:
    theme_id: strawberry.ID = strawberry.field(description="The theme.")
    horizon: HorizonEnum = strawberry.field(description="Where it moves to (not where it is).")
    reason: str = strawberry.field(description="Why it moves.")

    def command(self) -> commands.MoveTheme:
        return command_of(self, commands.MoveTheme, theme_id=theme_id(self))


@strawberry.input(description="A theme's new name, and optionally its description.")
@versioned
class RenameThemeInput:
    theme_id: strawberry.ID = strawberry.field(description="The theme.")
    name: str = strawberry.field(description="The new name (1–200 characters).")
    description: str | None = strawberry.field(
        default=None, description="A new description; omitted: kept."
    )

    def command(self) -> commands.RenameTheme:
        return command_of(self, commands.RenameTheme, theme_id=theme_id(self))


MEMBER_RULE = (
    "The theme must be shared (no team) or the work's own team's; null takes it out of its theme."
)


@strawberry.input(description="Place an objective in a theme. " + MEMBER_RULE)
@versioned
class SetObjectiveThemeInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    theme_id: strawberry.ID | None = strawberry.field(description="The theme, or null.")

    def command(self) -> commands.SetObjectiveTheme:
        return commands.SetObjectiveTheme(
            objective_id(self),
            maybe_id(self.theme_id, "Theme", "themeId"),
            expected_version=self.expected_version,
        )


@strawberry.input(description="Place a backlog item (an epic) in a theme. " + MEMBER_RULE)
@versioned
class SetBacklogItemThemeInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The backlog item.")
    theme_id: strawberry.ID | None = strawberry.field(description="The theme, or null.")

    def command(self) -> commands.SetBacklogItemTheme:
        return commands.SetBacklogItemTheme(
            item_id(self),
            maybe_id(self.theme_id, "Theme", "themeId"),
            expected_version=self.expected_version,
        )


@strawberry.input(
    description="Mark an objective as a discovery objective (its key results are about "
    "learning) that prepares a theme, typically one of NEXT or LATER."
)
@versioned
class MarkDiscoveryObjectiveInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    prepares_theme_id: strawberry.ID = strawberry.field(
        description="The theme it prepares (shared, or the objective's team's)."
    )

    def command(self) -> commands.MarkDiscoveryObjective:
        return commands.MarkDiscoveryObjective(
            objective_id(self),
            need_id(self.prepares_theme_id, "Theme", "preparesThemeId"),
            expected_version=self.expected_version,
        )


@strawberry.type(description="Theme and roadmap commands.")
class ThemeMutations:
    create_theme = command_mutation(
        CreateThemeInput, ThemePayload, theme_success, "Create a theme on a horizon."
    )
    move_theme = command_mutation(
        MoveThemeInput, ThemePayload, theme_success, "Move a theme to another horizon."
    )
    rename_theme = command_mutation(
        RenameThemeInput, ThemePayload, theme_success, "Rename a theme (or re-describe it)."
    )
    set_objective_theme = command_mutation(
        SetObjectiveThemeInput,
        ObjectiveThemePayload,
        objective_theme_success,
        "Place an objective in a theme, or take it out.",
    )
    set_backlog_item_theme = command_mutation(
        SetBacklogItemThemeInput,
        BacklogItemThemePayload,
        item_theme_success,
        "Place a backlog item (an epic) in a theme, or take it out.",
    )
    mark_discovery_objective = command_mutation(
        MarkDiscoveryObjectiveInput,
        ObjectiveThemePayload,
        objective_theme_success,
        "Mark a discovery objective with the theme it prepares.",
    )
