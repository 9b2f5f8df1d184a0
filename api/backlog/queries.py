"""Backlog reads: one item, and pages of items by status, kind and tag."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.backlog import reads
from okrank.api.backlog.types import (
    BacklogItem,
    BacklogItemConnection,
    BacklogItemEdge,
    ItemKindEnum,
    ItemStatusEnum,
    load_backlog_item,
)
from okrank.api.graphql.ids import need_uuid
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.domain.text import team_name


@strawberry.input(description="Filters for backlogItems; all given filters must match.")
class BacklogItemFilter:
    status: ItemStatusEnum | None = strawberry.field(default=None, description="Status.")
    kind: ItemKindEnum | None = strawberry.field(default=None, description="Kind.")
    objective_id: strawberry.ID | None = strawberry.field(
        default=None, description="Tagged to this objective."
    )
    tagged: bool | None = strawberry.field(
        default=None, description="true: has at least one tag; false: out of OKR scope."
    )
    team: str | None = strawberry.field(
        default=None, description="In this team's backlog (\"\": in no team's)."
    )


@strawberry.type(description="Backlog reads.")
class BacklogQueries:
    @strawberry.field(description="One backlog item, or null if it is not in this workspace.")
    async def backlog_item(self, info: Info, id: strawberry.ID) -> BacklogItem | None:
        return await load_backlog_item(info, need_uuid(id, "BacklogItem", "id"))

    @strawberry.field(description="Backlog items, oldest first, optionally filtered.")
    async def backlog_items(
        self,
        info: Info,
        filter: BacklogItemFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> BacklogItemConnection:
        limit = page_size(first)
        f = filter or BacklogItemFilter()
        objective = (
            need_uuid(f.objective_id, "Objective", "filter.objectiveId") if f.objective_id else None
        )
        rows = await reads.items_page(
            info.context.pool,
            info.context.workspace,
            f.status,
            f.kind,
            objective,
            f.tagged,
            after_key(after) or 0,
            limit + 1,
            None if f.team is None else team_name(f.team, "filter.team"),
        )
        return connection(
            BacklogItemConnection, BacklogItemEdge, BacklogItem.from_row, "seq", rows, limit, after
        )
