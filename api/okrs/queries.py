"""OKR reads: one objective, pages of objectives, a team's cycle, the OKR settings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.asof.moment import AsOf
from okrank.api.asof.state import state_at
from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.ids import need_uuid
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.okrs import reads
from okrank.api.okrs.settings import OkrSettings, okr_settings
from okrank.api.okrs.team import Team, load_team
from okrank.api.okrs.types import (
    Objective,
    ObjectiveConnection,
    ObjectiveEdge,
    ObjectiveLevelEnum,
    ObjectiveStatusEnum,
    load_objective,
)


@strawberry.type(description="Objective reads.")
class OkrQueries:
    @strawberry.field(description="One objective, or null if it is not in this workspace.")
    async def objective(
        self,
        info: Info,
        id: strawberry.ID,
        as_of: AsOf = None,
    ) -> Objective | None:
        objective_id = need_uuid(id, "Objective", "id")
        loaders = (await state_at(info, as_of)).loaders if as_of is not None else None
        return await load_objective(info, objective_id, loaders)

    @strawberry.field(description="Objectives, oldest first, optionally filtered.")
    async def objectives(
        self,
        info: Info,
        cycle: str | None = None,
        status: ObjectiveStatusEnum | None = None,
        level: ObjectiveLevelEnum | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ObjectiveConnection:
        limit = page_size(first)
        rows = await reads.objectives_page(
            info.context.pool,
            info.context.workspace,
            text_argument("cycle", cycle),
            status,
            level,
            after_key(after) or 0,
            limit + 1,
        )
        return connection(
            ObjectiveConnection, ObjectiveEdge, Objective.from_row, "seq", rows, limit, after
        )

    @strawberry.field(
        description="A team's objectives in a cycle, with its attainment and hygiene warnings "
        "(a team with no objectives there answers an empty list)."
    )
    async def team(self, info: Info, name: str, cycle: str) -> Team:
        name, cycle = text_argument("name", name) or "", text_argument("cycle", cycle) or ""
        return await load_team(info, name, cycle)

    @strawberry.field(description="The workspace's OKR settings.")
    async def okr_settings(self, info: Info) -> OkrSettings:
        return await okr_settings(info.context)
