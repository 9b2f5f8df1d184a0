"""Sprint reads: one sprint, pages of a team's sprints, and a team's zombie features."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.ids import need_uuid
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.sprints import reads
from okrank.api.sprints.types import Sprint, SprintConnection, SprintEdge, load_sprint
from okrank.api.sprints.zombies import ZombieReport, zombie_report


@strawberry.type(description="Sprint reads.")
class SprintQueries:
    @strawberry.field(description="One sprint, or null if it is not in this workspace.")
    async def sprint(self, info: Info, id: strawberry.ID) -> Sprint | None:
        return await load_sprint(info, need_uuid(id, "Sprint", "id"))

    @strawberry.field(description="Sprints, oldest first, optionally of one team and cycle.")
    async def sprints(
        self,
        info: Info,
        team: str | None = None,
        cycle: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> SprintConnection:
        limit = page_size(first)
        rows = await reads.sprints_page(
            info.context.pool,
            info.context.workspace,
            text_argument("team", team),
            text_argument("cycle", cycle),
            after_key(after) or 0,
            limit + 1,
        )
        return connection(SprintConnection, SprintEdge, Sprint.from_row, "seq", rows, limit, after)

    @strawberry.field(
        description="Zombie features of a team: its open items with no tag to an active "
        "objective that have survived the workspace's number of its sprints or of cycles "
        "(setZombieThresholds), with how long they have lingered and the sprints they survived."
    )
    async def zombies(self, info: Info, team: str, first: int = 50) -> ZombieReport:
        return await zombie_report(info, text_argument("team", team) or "", page_size(first))
