"""Mission briefing reads: the briefing of an objective or a backlog item."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.briefings import reads
from okrank.api.briefings.types import SUBJECT_TYPES, MissionBriefing
from okrank.api.graphql.ids import bad_input, need_uuid, parse_global_id


@strawberry.type(description="Mission briefing reads.")
class BriefingQueries:
    @strawberry.field(
        description="The mission briefing of an objective or a backlog item (by its ID), or "
        "null if it has none (or is not in this workspace)."
    )
    async def mission_briefing(
        self, info: Info, subject_id: strawberry.ID
    ) -> MissionBriefing | None:
        parsed = parse_global_id(subject_id)
        if parsed is None or parsed[0] not in SUBJECT_TYPES:
            raise bad_input("subjectId is not an Objective or BacklogItem ID")
        ident = need_uuid(subject_id, parsed[0], "subjectId")
        row = await reads.briefing_of_subject(info.context.pool, info.context.workspace, ident)
        return (
            None
            if row is None or row["subject_kind"] != parsed[0]
            else MissionBriefing.from_row(row)
        )
