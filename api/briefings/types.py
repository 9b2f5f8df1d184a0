"""GraphQL types of mission briefings: the current briefing of an objective or epic, and each
of its versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.types import Info

from okrank.api.briefings import reads
from okrank.api.graphql.ids import to_global_id
from okrank.api.graphql.pagination import keyset_page, list_types
from okrank.api.graphql.rows import from_row
from okrank.api.health.types import HealthMetric, load_health_metrics

SUBJECT_TYPES = ("Objective", "BacklogItem")


@strawberry.type(
    description="A mission briefing as one edit left it (seed okr-scrum-connection.txt): the "
    "context, the intent one level up and this team's, the tasks it implies, its boundaries, "
    "and the health metrics that must not move the wrong way."
)
class MissionBriefingVersion:
    version: int = strawberry.field(description="1 for the first edit, one more for each edit.")
    context: str = strawberry.field(description="The situation the work starts from.")
    higher_intent: str = strawberry.field(description="The intent one level up (the parent's).")
    my_intent: str = strawberry.field(description="This team's intent: what success looks like.")
    key_implied_tasks: list[str] = strawberry.field(description="The tasks the intent implies.")
    boundaries: list[str] = strawberry.field(description="What must not be done or crossed.")
    edited_at: datetime = strawberry.field(description="When this version was written.")
    edited_by: str = strawberry.field(description="Subject who wrote it.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any, **differ: Any) -> Self:
        tasks, boundaries = list(r["key_implied_tasks"]), list(r["boundaries"])
        return from_row(cls, r, key_implied_tasks=tasks, boundaries=boundaries, **differ)

    @strawberry.field(
        description="Key failure indicators: health metrics that must not move the wrong way, "
        "in the order given (a metric of this workspace, archived or not)."
    )
    async def key_failure_indicators(self, info: Info) -> list[HealthMetric]:
        return await load_health_metrics(info, list(self.row["key_failure_indicators"]))


MissionBriefingVersionEdge, MissionBriefingVersionConnection = list_types(
    MissionBriefingVersion, "version", page_about="A page of a briefing's versions, newest first."
)


@strawberry.type(description="The mission briefing of an objective or a backlog item (an epic).")
class MissionBriefing(MissionBriefingVersion):
    subject_id: strawberry.ID = strawberry.field(
        description="The objective's or backlog item's ID."
    )

    @classmethod
    def from_row(cls, r: Any, **differ: Any) -> Self:
        subject = strawberry.ID(to_global_id(r["subject_kind"], r["subject_id"]))
        return super().from_row(r, subject_id=subject, **differ)

    @strawberry.field(description="Every version, newest first (the current one first).")
    async def versions(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> MissionBriefingVersionConnection:
        types = (
            MissionBriefingVersionConnection,
            MissionBriefingVersionEdge,
            MissionBriefingVersion.from_row,
            "version",
        )
        pool, briefing = info.context.pool, self.row["briefing_id"]
        return await keyset_page(reads.versions_page, pool, briefing, types, first, after)
