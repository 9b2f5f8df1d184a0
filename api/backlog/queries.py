"""Backlog reads: one item, and pages of items by status, kind and tag."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.asof import reads as as_of_reads
from okrank.api.asof.moment import AsOf
from okrank.api.asof.state import state_at
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
from okrank.api.graphql.node import load_node
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
    async def backlog_item(
        self, info: Info, id: strawberry.ID, as_of: AsOf = None
    ) -> BacklogItem | None:
        item_id = need_uuid(id, "BacklogItem", "id")
        if as_of is not None:
            state = await state_at(info, as_of)
            return await load_node(state.loaders.item, item_id, BacklogItem.from_row)
        return await load_backlog_item(info, item_id)

    @strawberry.field(description="Backlog items, oldest first, optionally filtered.")
    async def backlog_items(
        self,
        info: Info,
        filter: BacklogItemFilter | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: AsOf = None,
    ) -> BacklogItemConnection:
        limit = page_size(first)
        f = filter or BacklogItemFilter()
        objective = (
            need_uuid(f.objective_id, "Objective", "filter.objectiveId") if f.objective_id else None
        )
        filters = (f.status, f.kind, objective, f.tagged, after_key(after) or 0, limit + 1)
        team = None if f.team is None else team_name(f.team, "filter.team")
        if as_of is not None:
            state = await state_at(info, as_of)
            rows: list[Any] = await as_of_reads.items_page(state, *filters, team=team)
        else:
            rows = await reads.items_page(
                info.context.pool, info.context.workspace, *filters, team=team
            )
        return connection(
            BacklogItemConnection, BacklogItemEdge, BacklogItem.from_row, "seq", rows, limit, after
        )
