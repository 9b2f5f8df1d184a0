"""The mission briefing mutation: edit (the first edit creates the briefing)."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.briefings import reads
from okrank.api.briefings.types import SUBJECT_TYPES, MissionBriefing
from okrank.api.commands.committed import state_row
from okrank.api.commands.inputs import need_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.graphql.ids import parse_global_id
from okrank.domain import errors
from okrank.domain.application import CommandResult
from okrank.domain.briefings.briefing import ENTRIES_MAX, ENTRY_MAX, TEXT_MAX, BriefingContent
from okrank.domain.briefings.commands import EditMissionBriefing


@strawberry.type(description="The mission briefing after the edit.")
class MissionBriefingSuccess:
    mission_briefing: MissionBriefing = strawberry.field(
        description="Its current version, as queries now see it."
    )


MissionBriefingPayload = payload(
    "MissionBriefingPayload", "The briefing, or why nothing changed.", MissionBriefingSuccess
)


async def briefing_success(ctx: Any, result: CommandResult) -> MissionBriefingSuccess:
    rows = await reads.briefings_by_id(ctx.pool, ctx.workspace, result.aggregate_id)
    return MissionBriefingSuccess(
        mission_briefing=MissionBriefing.from_row(state_row(rows, result))
    )


LIST = f"at most {ENTRIES_MAX} entries of 1–{ENTRY_MAX:,} characters"


@strawberry.input(
    description="The whole briefing as it is to read now (omitted fields are empty): a new "
    "version. `expectedVersion` is the briefing's (0: it has none yet)."
)
@versioned
class EditMissionBriefingInput:
    subject_id: strawberry.ID = strawberry.field(description="An objective's or backlog item's ID.")
    context: str = strawberry.field(default="", description=f"Up to {TEXT_MAX:,} characters.")
    higher_intent: str = strawberry.field(
        default="", description=f"The intent one level up; up to {TEXT_MAX:,} characters."
    )
    my_intent: str = strawberry.field(
        default="", description=f"This team's intent; up to {TEXT_MAX:,} characters."
    )
    key_implied_tasks: list[str] = strawberry.field(
        default_factory=list, description=f"Tasks the intent implies: {LIST}."
    )
    boundaries: list[str] = strawberry.field(
        default_factory=list, description=f"What must not be done or crossed: {LIST}."
    )
    key_failure_indicator_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description=f"Health metrics that must not move the wrong way (at most {ENTRIES_MAX}).",
    )

    def command(self) -> EditMissionBriefing:
        parsed = parse_global_id(self.subject_id)
        kind = parsed[0] if parsed else ""
        if kind not in SUBJECT_TYPES:
            raise errors.ValidationError(
                "subjectId", "subjectId is not an Objective or BacklogItem ID"
            )
        indicators = tuple(
            need_id(m, "HealthMetric", f"keyFailureIndicatorIds.{n}")
            for n, m in enumerate(self.key_failure_indicator_ids)
        )
        content = BriefingContent(
            context=self.context,
            higher_intent=self.higher_intent,
            my_intent=self.my_intent,
            key_implied_tasks=tuple(self.key_implied_tasks),
            boundaries=tuple(self.boundaries),
            key_failure_indicators=indicators,
        )
        return EditMissionBriefing(
            kind,
            need_id(self.subject_id, kind, "subjectId"),
            content,
            expected_version=self.expected_version,
        )


@strawberry.type(description="Mission briefing commands.")
class BriefingMutations:
    edit_mission_briefing = command_mutation(
        EditMissionBriefingInput,
        MissionBriefingPayload,
        briefing_success,
        "Write a new version of an objective's or epic's mission briefing.",
    )
