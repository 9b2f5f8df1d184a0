"""Backlog item mutations: create, edit, score, tag, justify, triage, move."""

from __future__ import annotations

import strawberry

from okrank.api.backlog import reads
from okrank.api.backlog.types import (
    BacklogItem,
    ItemKindEnum,
    ItemStatusEnum,
    TriageDecisionEnum,
)
from okrank.api.commands.committed import state_success
from okrank.api.commands.inputs import command_of, item_id, maybe_id, objective_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.rankings.enums import TagTierEnum as TagTier
from okrank.domain.backlog import commands
from okrank.domain.bounds import EFFORT_MAX, EFFORT_MIN, REACH_MAX, spelt
from okrank.domain.rankings.scoring import RiceInputs, WsjfInputs

REACH = f"People or events per period, in [0, {spelt(REACH_MAX)}]."
EFFORT = f"In [{spelt(EFFORT_MIN)}, {spelt(EFFORT_MAX)}]."


BacklogItemSuccess, item_success = state_success(
    BacklogItem, "backlog_item", reads.items_by_id, "The backlog item after the change."
)
BacklogItemPayload = payload(
    "BacklogItemPayload", "The item, or why nothing changed.", BacklogItemSuccess
)


@strawberry.input(description="A new backlog item, created as CANDIDATE.")
class CreateBacklogItemInput:
    title: str = strawberry.field(description="Short name (1–200 characters).")
    description: str | None = strawberry.field(default=None, description="Details.")
    kind: ItemKindEnum = strawberry.field(default=ItemKindEnum.FEATURE, description="Kind.")
    team: str | None = strawberry.field(
        default=None, description="The team whose backlog it is in (at most 100 characters)."
    )

    def command(self) -> commands.CreateBacklogItem:
        return command_of(self, commands.CreateBacklogItem, kind=self.kind.value)


@strawberry.input(description="Fields to change on an item; omitted fields stay as they are.")
@versioned
class UpdateBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    title: str | None = strawberry.field(default=None, description="New title.")
    description: str | None = strawberry.field(default=None, description="New description.")
    kind: ItemKindEnum | None = strawberry.field(default=None, description="New kind.")
    team: str | None = strawberry.field(
        default=None, description='Move it to this team\'s backlog ("" for none).'
    )

    def command(self) -> commands.UpdateBacklogItem:
        kind = self.kind.value if self.kind else None
        return command_of(self, commands.UpdateBacklogItem, item_id=item_id(self), kind=kind)


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
        return command_of(
            self,
            commands.ScoreBacklogItem,
            item_id=item_id(self),
            rice=None if r is None else RiceInputs(r.reach, r.impact, r.confidence, r.effort),
            wsjf=None
            if w is None
            else WsjfInputs(w.business_value, w.time_criticality, w.risk_reduction, w.job_size),
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
        return command_of(
            self,
            command,
            item_id=item_id(self),
            objective_id=objective_id(self),
            tier=self.tier,  # TagTier parses to the domain's Tier
            key_result_id=maybe_id(self.key_result_id, "KeyResult", "keyResultId"),
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
        ids = {"item_id": item_id(self), "objective_id": objective_id(self)}
        return command_of(self, commands.UntagBacklogItem, **ids)


@strawberry.input(description="Justify an untagged item as necessary but non-strategic.")
@versioned
class JustifyNonStrategicInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    justification: str = strawberry.field(description="Why it is needed; '' withdraws it.")

    def command(self) -> commands.JustifyNonStrategic:
        return command_of(self, commands.JustifyNonStrategic, item_id=item_id(self))


@strawberry.input(description="The OKR filter's answer for an item.")
@versioned
class TriageBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    decision: TriageDecisionEnum = strawberry.field(description="YES, NO or MAYBE.")
    reason: str | None = strawberry.field(default=None, description="Why.")
    cycle: str | None = strawberry.field(
        default=None,
        description="The cycle this triage is for (2026-Q3 or 2026), as the tagging session "
        "of that cycle counts it; default: the current quarter (UTC). A triage for a new cycle "
        "is recorded even when the status it implies does not change; the same decision again "
        "for the same cycle, with the status unchanged, is refused.",
    )

    def command(self) -> commands.TriageBacklogItem:
        reason = self.reason or ""
        return command_of(self, commands.TriageBacklogItem, item_id=item_id(self), reason=reason)


@strawberry.input(description="Move an item to another status.")
@versioned
class ChangeBacklogItemStatusInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    status: ItemStatusEnum = strawberry.field(
        description="New status; PLANNED requires an eligible item."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")

    def command(self) -> commands.ChangeBacklogItemStatus:
        reason = self.reason or ""
        return command_of(
            self, commands.ChangeBacklogItemStatus, item_id=item_id(self), reason=reason
        )


@strawberry.type(description="Backlog item commands.")
class BacklogItemMutations:
    create_backlog_item = command_mutation(
        CreateBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Create a backlog item (status CANDIDATE).",
    )
    update_backlog_item = command_mutation(
        UpdateBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Change an item's title, description or kind.",
    )
    score_backlog_item = command_mutation(
        ScoreBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Set an item's RICE and/or WSJF inputs.",
    )
    tag_backlog_item = command_mutation(
        TagBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Tag an item to an objective (and optionally a key result).",
    )
    retag_backlog_item = command_mutation(
        RetagBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Change the tier or key result of an existing tag.",
    )
    untag_backlog_item = command_mutation(
        UntagBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Remove an item's tag to an objective.",
    )
    justify_non_strategic = command_mutation(
        JustifyNonStrategicInput,
        BacklogItemPayload,
        item_success,
        "Record (or withdraw) a non-strategic justification.",
    )
    triage_backlog_item = command_mutation(
        TriageBacklogItemInput,
        BacklogItemPayload,
        item_success,
        "Apply the OKR filter: YES → BACKLOG, NO → NOT_NOW, MAYBE → DISCOVERY.",
    )
    change_backlog_item_status = command_mutation(
        ChangeBacklogItemStatusInput,
        BacklogItemPayload,
        item_success,
        "Move an item to a status; DONE and ARCHIVED leave rankings.",
    )
