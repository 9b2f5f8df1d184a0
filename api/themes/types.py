"""GraphQL types of themes and the theme-based roadmap."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import history_field
from okrank.api.graphql.node import Node, aggregate_fields, load_by_id
from okrank.api.graphql.pagination import keyset_page, list_types
from okrank.api.graphql.rows import from_row
from okrank.api.themes import reads
from okrank.domain.themes.theme import Horizon

HorizonEnum = strawberry.enum(
    Horizon,
    name="Horizon",
    description="The roadmap's columns: NOW (being worked on), NEXT (prepared, e.g. by "
    "discovery objectives), LATER (ideas kept in sight).",
)


@strawberry.type(description="A theme moved from one horizon to another.")
class ThemeMove:
    horizon: HorizonEnum = strawberry.field(description="Where it moved to.")
    previous_horizon: HorizonEnum = strawberry.field(description="Where it was.")
    reason: str = strawberry.field(description="Why it moved.")
    moved_by: str = strawberry.field(description="Subject who moved it.")
    moved_at: datetime = strawberry.field(description="When it moved.")

    @classmethod
    def from_row(cls, r: Any) -> ThemeMove:
        return from_row(
            cls,
            r,
            horizon=Horizon(r["horizon"]),
            previous_horizon=Horizon(r["previous_horizon"]),
            moved_by=r["actor"],
            moved_at=r["at"],
        )


ThemeMoveEdge, ThemeMoveConnection = list_types(
    ThemeMove, "move", page_about="A page of a theme's moves, newest first."
)


@strawberry.type(
    description="A strategic theme ('User Growth', 'Revenue') that objectives and backlog "
    "items (epics) belong to, on the roadmap's horizon."
)
@aggregate_fields(created_at="When the theme was created.")
class Theme(Node):
    name: str = strawberry.field(description="The theme's name.")
    description: str = strawberry.field(description="What it is about ('' if none).")
    horizon: HorizonEnum = strawberry.field(description="NOW, NEXT or LATER.")
    team: str | None = strawberry.field(
        description="The team whose theme it is, or null: shared, on every team's roadmap."
    )
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Theme:
        return from_row(cls, r, horizon=Horizon(r["horizon"]), team=r["team"] or None)

    history = history_field(lambda theme, info: theme.row["id"])

    @strawberry.field(description="Its moves between horizons, newest first.")
    async def moves(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> ThemeMoveConnection:
        types = (ThemeMoveConnection, ThemeMoveEdge, ThemeMove.from_row, "position")
        pool, theme = info.context.pool, self.row["id"]
        return await keyset_page(reads.moves_page, pool, theme, types, first, after)


async def load_theme(info: Info, theme_id: UUID | None) -> Theme | None:
    return await load_by_id(info, theme_id, reads.themes_by_id, Theme.from_row)


ThemeEdge, ThemeConnection = list_types(
    Theme, "theme", page_about="A page of themes, oldest first."
)


@strawberry.type(description="Where an objective or a backlog item stands on the roadmap.")
class ThemeMembership:
    theme: Theme | None = strawberry.field(description="The theme it belongs to, if any.")
    prepares_theme: Theme | None = strawberry.field(
        description="For a discovery objective: the theme it prepares."
    )


async def membership_of(ctx: Any, member_id: UUID) -> ThemeMembership:
    """From a request's context (a query's `info.context`, or a mutation's answer's)."""
    row = await reads.memberships(ctx.pool, ctx.workspace, member_id)
    wanted = [i for i in (row["theme_id"], row["prepares_theme_id"]) if i is not None]
    found = {
        r["id"]: Theme.from_row(r)
        for r in await reads.themes_by_id(ctx.pool, ctx.workspace, wanted)
    }
    return ThemeMembership(
        theme=found.get(row["theme_id"]), prepares_theme=found.get(row["prepares_theme_id"])
    )
